begin;
select plan(2);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5100006',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_with_connection => false,
  p_meta_sync_priority => 'low', p_phase_1_completed_at => '2026-01-01 00:00Z',
  p_last_meta_sync_at => '2026-02-01 10:00Z');
select meta_sync_tests.create_account('act_5100007',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_with_connection => false,
  p_meta_sync_priority => 'high', p_phase_1_completed_at => '2026-01-01 00:00Z',
  p_last_meta_sync_at => '2026-02-01 10:00Z');
update meta_sync.meta_sync_config set interval_minutes = 30 where tier = 'low';
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100006'), '2026-02-01 10:30Z'::timestamptz,
  'low account: last sync + the new 30 minutes');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100007'), '2026-02-01 11:00Z'::timestamptz,
  'other tiers untouched');
select * from finish();
rollback;
