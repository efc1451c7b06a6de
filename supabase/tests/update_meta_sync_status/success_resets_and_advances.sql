begin;
select plan(5);
select meta_sync_tests.create_account('act_5300001', p_phase_1_completed_at => '2026-01-01',
  p_next_sync_at => '2026-02-01 08:00Z');
update meta_sync.meta_ad_accounts set sync_error_count = 3, last_sync_error = 'boom' where id = 'act_5300001';
select is(meta_sync.update_meta_sync_status('act_5300001', 'success', p_fresh_through => '2026-02-01', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 14:00Z'::timestamptz, 'next due = p_now + the tier interval');
select is((select (sync_error_count, last_sync_error, last_meta_sync_at)::text from meta_sync.meta_ad_accounts where id = 'act_5300001'),
  (0, null::text, '2026-02-01 12:00Z'::timestamptz)::text, 'errors reset, last sync = p_now');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_5300001' and dataset = 'insights'),
  '2026-02-01'::date, 'insights fresh through p_fresh_through');
select meta_sync.update_meta_sync_status('act_5300001', 'success', p_fresh_through => '2026-01-15', p_now => '2026-02-01 13:00Z');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_5300001' and dataset = 'insights'),
  '2026-02-01'::date, 'freshness never moves backwards');
select is((select latest_meta_data_date from meta_sync.meta_ad_accounts where id = 'act_5300001'),
  '2026-02-01'::date, 'latest_meta_data_date never moves backwards');
select * from finish();
rollback;
