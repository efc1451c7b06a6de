begin;
select plan(2);
select meta_sync_tests.create_account('act_5100004', p_with_connection => false,
  p_phase_1_completed_at => '2026-01-01 00:00Z', p_last_meta_sync_at => '2026-02-01 10:00Z');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100004'), '2026-02-01 12:00Z'::timestamptz,
  'insert: medium = last sync + 120 minutes');
update meta_sync.meta_ad_accounts set meta_sync_priority = 'high' where id = 'act_5100004';
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100004'), '2026-02-01 11:00Z'::timestamptz,
  'plain UPDATE of the tier: last sync + 60 minutes');
select * from finish();
rollback;
