begin;
select plan(3);
select meta_sync_tests.create_account('act_5300003', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 12:05Z', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 12:15Z'::timestamptz, 'regain sooner than 15 minutes: 15 minutes');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 13:00Z', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 13:00Z'::timestamptz, 'regain later: Meta''s regain time');
select is((select rate_limit_backoff_until from meta_sync.meta_ad_accounts where id = 'act_5300003'),
  '2026-02-01 13:00Z'::timestamptz, 'backoff stored');
select * from finish();
rollback;
