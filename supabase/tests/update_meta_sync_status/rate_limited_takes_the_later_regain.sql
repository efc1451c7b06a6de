begin;
select plan(3);
select meta_sync_tests.create_account('act_5300003', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 12:05Z', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 12:05Z'::timestamptz, 'Meta''s regain time, however soon (no 15-minute floor)');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 13:00Z', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 13:00Z'::timestamptz, 'regain later: Meta''s regain time');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 12:10Z', p_now => '2026-02-01 12:01Z'),
  '2026-02-01 13:00Z'::timestamptz, 'a sooner regain never shortens the backoff in force');
select * from finish();
rollback;
