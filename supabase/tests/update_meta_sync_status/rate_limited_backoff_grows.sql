-- A throttle without a regain time backs the account off 30 s, then 1, 2, 4 ... minutes (at most
-- 15) while throttles come in a row; Meta's regain time is taken as given; a success resets the
-- count; the open job's ETA moves by the added wait.
begin;
select plan(8);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0140-000000000031', 'throttle');
insert into meta_sync.meta_ad_accounts (id, organization_id, phase_1_completed_at, last_meta_sync_at)
values ('act_914031', '00000000-0000-0000-0140-000000000031', '2030-01-01Z', '2030-01-10 09:00Z');
insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type, total_chunks,
                                 status, estimated_completion_at)
values ('act_914031', '00000000-0000-0000-0140-000000000031', 'incremental', 'incremental', 4,
        'in_progress', '2030-01-10 10:05Z');

select meta_sync.update_meta_sync_status('act_914031', 'rate_limited', 'HTTP 429 without an error body', null, null, '2030-01-10 10:00Z');
select is((select rate_limit_backoff_until from meta_sync.meta_ad_accounts where id = 'act_914031'),
  '2030-01-10 10:00:30Z'::timestamptz, 'first unscoped throttle: 30 s, not 15 minutes');
select is((select estimated_completion_at from meta_sync.sync_jobs where account_id = 'act_914031'),
  '2030-01-10 10:05:30Z'::timestamptz, 'the open job''s ETA includes the backoff');

select meta_sync.update_meta_sync_status('act_914031', 'rate_limited', null, null, null, '2030-01-10 10:00:31Z');
select is((select rate_limit_backoff_until from meta_sync.meta_ad_accounts where id = 'act_914031'),
  '2030-01-10 10:01:31Z'::timestamptz, 'second in a row: 1 minute');
select meta_sync.update_meta_sync_status('act_914031', 'rate_limited', null, null, null, '2030-01-10 10:01:32Z');
select is((select rate_limit_backoff_until from meta_sync.meta_ad_accounts where id = 'act_914031'),
  '2030-01-10 10:03:32Z'::timestamptz, 'third: 2 minutes');

select meta_sync.update_meta_sync_status('act_914031', 'rate_limited', null, null, null, '2030-01-10 11:00Z')
from generate_series(1, 8);
select is((select rate_limit_backoff_until from meta_sync.meta_ad_accounts where id = 'act_914031'),
  '2030-01-10 11:15Z'::timestamptz, 'never more than 15 minutes');

select meta_sync.update_meta_sync_status('act_914031', 'rate_limited', 'code 17', '2030-01-10 12:00:45Z', null, '2030-01-10 12:00Z');
select is((select (rate_limit_backoff_until, rate_limit_count) from meta_sync.meta_ad_accounts where id = 'act_914031'),
  ('2030-01-10 12:00:45Z'::timestamptz, 11), 'Meta''s regain time (Retry-After) is taken as given and does not count');

select meta_sync.update_meta_sync_status('act_914031', 'success', null, null, null, '2030-01-10 12:01Z');
select is((select rate_limit_count from meta_sync.meta_ad_accounts where id = 'act_914031'), 0, 'a success resets the count');
select meta_sync.update_meta_sync_status('act_914031', 'rate_limited', null, null, null, '2030-01-10 12:02Z');
select is((select rate_limit_backoff_until from meta_sync.meta_ad_accounts where id = 'act_914031'),
  '2030-01-10 12:02:30Z'::timestamptz, 'and the next throttle starts at 30 s again');

select * from finish();
rollback;
