begin;
select plan(3);

-- Fixture: organization, active connection, account act_920064, job 926400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000064', 'queue test 64');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000064', '00000000-0000-0000-0002-000000000064', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920064', '00000000-0000-0000-0002-000000000064', '00000000-0000-0000-0002-000000000064', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (926400, 'act_920064', '00000000-0000-0000-0002-000000000064', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 0, '2030-02-01');

select meta_sync.record_rate_limit_state('ad_account', 'act_920064', 'a', 95, 1, 1, 60, '2030-02-01 02:00Z', 80004, '2030-02-01 00:00Z');
select meta_sync.record_rate_limit_state('ad_account', 'act_920064', 'b', 5, 1, 1, 0, null, null, '2030-02-01 00:00Z');
select is((select count(*)::int from meta_sync.get_rate_limit_state('2030-02-01 00:30Z') where scope_id = 'act_920064'), 2,
  'recent observations are relevant');
select is((select array_agg(usage_type) from meta_sync.get_rate_limit_state('2030-02-01 01:30Z') where scope_id = 'act_920064'), array['a'],
  'after an hour only the running block');
select is((select count(*)::int from meta_sync.get_rate_limit_state('2030-02-01 02:00Z') where scope_id = 'act_920064'), 0,
  'nothing once the block passed');

select * from finish();
rollback;
