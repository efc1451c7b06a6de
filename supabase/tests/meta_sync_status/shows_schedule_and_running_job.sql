begin;
select plan(3);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, timezone_name, created_time) values ('act_5800001', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', 'UTC', null);
select meta_sync.start_account_onboarding('act_5800001', '2026-02-01 12:00Z') as job \gset
select is((select (tier, connection_status, running_job_id, running_job_phase)::text from meta_sync.meta_sync_status where account_id = 'act_5800001'),
  ('high', 'active', :job, 'recent_window')::text, 'tier, connection, the running job');
select is((select is_due from meta_sync.meta_sync_status where account_id = 'act_5800001'), false, 'onboarding: not due');
select is((select count(*)::int from information_schema.columns where table_schema = 'meta_sync' and table_name = 'meta_sync_status' and column_name like '%token%'),
  0, 'no token column');
select * from finish();
rollback;
