begin;
select plan(4);

-- Fixture: organization, active connection, account act_920062, job 926200 (incremental) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000062', 'queue test 62');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000062', '00000000-0000-0000-0002-000000000062', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920062', '00000000-0000-0000-0002-000000000062', '00000000-0000-0000-0002-000000000062', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (926200, 'act_920062', '00000000-0000-0000-0002-000000000062', 'incremental', 'incremental', 'pending', '2030-01-01', '2030-01-21', 0, '2030-02-01');

-- The fixture job (open) and two finished incremental jobs of this low-tier account: 10 and 30 minutes.
update meta_sync.meta_ad_accounts set meta_sync_priority = 'low' where id = 'act_920062';
update meta_sync.sync_jobs set created_at = now() where id = 926200;
insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type, status, total_chunks, completed_chunks,
                                 failed_chunks, insight_rows_written, api_calls, created_at, started_at, completed_at)
values ('act_920062', '00000000-0000-0000-0002-000000000062', 'settle', 'incremental', 'completed', 1, 1, 0, 1000, 4, now(), now() - interval '10 minutes', now()),
       ('act_920062', '00000000-0000-0000-0002-000000000062', 'settle', 'incremental', 'completed_with_errors', 2, 1, 1, 1000, 6, now(), now() - interval '30 minutes', now()),
       ('act_920062', '00000000-0000-0000-0002-000000000062', 'settle', 'incremental', 'failed', 1, 0, 1, 0, 2, now() - interval '8 days', now() - interval '8 days', now() - interval '8 days');
select row_eq($$select jobs, completed, completed_with_errors, failed from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'$$,
  row(2::bigint, 1::bigint, 1::bigint, 0::bigint), 'jobs of the last 7 days by outcome');
select is((select success_rate_pct from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'), 50.00,
  'completed / finished');
select row_eq($$select median_duration_seconds, p95_duration_seconds from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'$$,
  row(1200::float8, 1740::float8), 'median and p95 duration');
select is((select api_calls_per_1000_rows from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'), 5.00,
  'api calls per 1 000 rows');

select * from finish();
rollback;
