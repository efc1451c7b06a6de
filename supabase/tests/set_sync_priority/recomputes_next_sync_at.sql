begin;
select plan(3);
select meta_sync_tests.create_account('act_5100001', p_with_connection => false,
  p_phase_1_completed_at => '2026-01-01 00:00Z', p_last_meta_sync_at => '2026-02-01 10:00Z');
select is(meta_sync.set_sync_priority('act_5100001', 'high', '2026-02-01 10:30Z'), '2026-02-01 11:00Z'::timestamptz,
  'high: last sync + 60 minutes, returned');
select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_5100001'), 'high', 'tier stored');
select is(meta_sync.set_sync_priority('act_5100001', 'LOW', '2026-02-01 10:30Z'), '2026-02-01 14:00Z'::timestamptz,
  'low (case-insensitive): last sync + 240 minutes');
select * from finish();
rollback;
