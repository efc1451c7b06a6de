begin;
select plan(4);
select meta_sync_tests.create_account('act_5300002', p_phase_1_completed_at => '2026-01-01',
  p_next_sync_at => '2026-02-01 08:00Z');
select is(meta_sync.update_meta_sync_status('act_5300002', 'error', 'HTTP 500', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 12:05Z'::timestamptz, 'first error: retry in 5 minutes');
select is(meta_sync.update_meta_sync_status('act_5300002', 'error', 'HTTP 500', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 12:10Z'::timestamptz, 'second: 10 minutes');
select meta_sync.update_meta_sync_status('act_5300002', 'error', 'x', p_now => '2026-02-01 12:00Z') from generate_series(1, 6);
select is(meta_sync.update_meta_sync_status('act_5300002', 'error', 'last', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 14:00Z'::timestamptz, 'capped at the tier interval');
select is((select (sync_error_count, last_sync_error)::text from meta_sync.meta_ad_accounts where id = 'act_5300002'),
  (9, 'last')::text, 'count and message kept');
select * from finish();
rollback;
