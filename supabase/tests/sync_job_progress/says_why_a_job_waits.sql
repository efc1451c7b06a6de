-- An open job with nothing running says why it waits (and until when, and how to unblock it):
-- its account's reason from ad_account_waiting, else its chunks' retry time.
begin;
select plan(8);
insert into meta_sync.organizations (id, name) values ('6f000000-0000-0000-0000-000000000001', 'AgencyOne');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('6f000000-0000-0000-0000-0000000000c1', '6f000000-0000-0000-0000-000000000001', '\x00', 'k1');
select * from meta_sync.connect_ad_account('act_6600001', '6f000000-0000-0000-0000-000000000001', p_now => now());
create function pg_temp.why() returns text language sql as $$
  select coalesce(waiting_reason, '-') || ' / ' || coalesce(waiting_until::text, '-') || ' / ' || coalesce(waiting_hint, '-')
  from meta_sync.sync_job_progress where account_id = 'act_6600001'
$$;

select is(pg_temp.why(), '- / - / -', 'a job that can be claimed does not wait');
update meta_sync.meta_connections set status = 'expired';
select is(pg_temp.why(), 'connection expired / - / metasync connect --org ''AgencyOne'' --account act_6600001',
  'an expired token: waits until someone connects again');
update meta_sync.meta_connections set status = 'active';
update meta_sync.meta_ad_accounts set rate_limit_backoff_until = '2099-01-01Z';
select is(pg_temp.why(), 'account throttled by Meta / ' || '2099-01-01Z'::timestamptz::text || ' / -',
  'a throttled account waits until its backoff ends');
update meta_sync.meta_ad_accounts set rate_limit_backoff_until = null;
insert into meta_sync.meta_rate_limit_state (scope_type, scope_id, blocked_until, observed_at)
  values ('app', 'app', '2099-01-02Z', now());
select is(pg_temp.why(), 'app throttled by Meta / ' || '2099-01-02Z'::timestamptz::text || ' / -',
  'an app-wide block shows too');
delete from meta_sync.meta_rate_limit_state;
update meta_sync.sync_job_chunks set run_after = '2099-01-03Z' where account_id = 'act_6600001';
select is(pg_temp.why(), 'chunks wait to be retried / ' || '2099-01-03Z'::timestamptz::text || ' / -',
  'chunks waiting for their retry time');
update meta_sync.sync_job_chunks set run_after = now() where account_id = 'act_6600001';
select is((select count(*)::integer from meta_sync.claim_sync_chunks('w1', 1, 600, now())), 1, 'a chunk runs');
update meta_sync.meta_ad_accounts set paused = true;
select is(pg_temp.why(), '- / - / -', 'while a chunk of it runs the job does not wait');
select is((select waiting_reason from meta_sync.meta_sync_status where account_id = 'act_6600001'), 'account paused',
  'the account itself says it is paused');
select * from finish();
rollback;
