begin;
select plan(3);
select meta_sync_tests.create_account('act_5800001', p_meta_sync_priority => 'high');
select meta_sync.start_account_onboarding('act_5800001', '2026-02-01 12:00Z') as job \gset
select is((select (tier, connection_status, running_job_id, running_job_phase)::text from meta_sync.meta_sync_status where account_id = 'act_5800001'),
  ('high', 'active', :job, 'recent_window')::text, 'tier, connection, the running job');
select is((select is_due from meta_sync.meta_sync_status where account_id = 'act_5800001'), false, 'onboarding: not due');
select is((select count(*)::int from information_schema.columns where table_schema = 'meta_sync' and table_name = 'meta_sync_status' and column_name like '%token%'),
  0, 'no token column');
select * from finish();
rollback;
