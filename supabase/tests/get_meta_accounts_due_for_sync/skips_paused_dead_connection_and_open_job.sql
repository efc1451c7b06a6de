begin;
select plan(4);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_connection('5c000000-0000-0000-0000-000000000001',
  p_id => '5c000000-0000-0000-0000-0000000000c1');
select meta_sync_tests.create_connection('5c000000-0000-0000-0000-000000000001',
  p_id => '5c000000-0000-0000-0000-0000000000c2', p_label => 'dead', p_status => 'expired');
select meta_sync_tests.create_account('act_5200021',
  p_organization_id => '5c000000-0000-0000-0000-000000000001',
  p_connection_id => '5c000000-0000-0000-0000-0000000000c1', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
select meta_sync_tests.create_account('act_5200022',
  p_organization_id => '5c000000-0000-0000-0000-000000000001',
  p_connection_id => '5c000000-0000-0000-0000-0000000000c1', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
select meta_sync_tests.create_account('act_5200023',
  p_organization_id => '5c000000-0000-0000-0000-000000000001',
  p_connection_id => '5c000000-0000-0000-0000-0000000000c1', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
select meta_sync_tests.create_account('act_5200024',
  p_organization_id => '5c000000-0000-0000-0000-000000000001',
  p_connection_id => '5c000000-0000-0000-0000-0000000000c1', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
update meta_sync.meta_ad_accounts set paused = true where id = 'act_5200021';
update meta_sync.meta_ad_accounts set connection_id = '5c000000-0000-0000-0000-0000000000c2' where id = 'act_5200022';
select meta_sync_tests.create_job('act_5200023', p_sync_phase => 'incremental');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200021'), 0, 'paused skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200022'), 0, 'expired connection skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200023'), 0, 'open incremental job skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200024'), 1, 'the healthy one is due');
select * from finish();
rollback;
