begin;
select plan(2);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5200001',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_meta_sync_priority => 'low',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
select meta_sync_tests.create_account('act_5200002',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 11:00Z');
select meta_sync_tests.create_account('act_5200003',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_phase_1_completed_at => '2026-01-01',
  p_next_sync_at => '2026-02-01 09:00Z');
select meta_sync_tests.create_account('act_5200004',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 10:00Z');
select meta_sync_tests.create_account('act_5200005',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_phase_1_completed_at => '2026-01-01',
  p_next_sync_at => '2026-02-01 13:00Z');
select is(array(select account_id from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z')
                where account_id like 'act_52%'),
  array['act_5200004', 'act_5200002', 'act_5200003', 'act_5200001'],
  'high (most overdue first), then medium, then low; not-yet-due left out');
select is((select overdue_by from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200004'),
  interval '2 hours', 'overdue_by = p_now - next_sync_at');
select * from finish();
rollback;
