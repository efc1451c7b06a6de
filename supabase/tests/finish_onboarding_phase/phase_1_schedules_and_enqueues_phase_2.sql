begin;
select plan(6);
select meta_sync_tests.create_account('act_5600001', p_meta_sync_priority => 'high',
  p_created_time => '2024-01-01');
select meta_sync.start_account_onboarding('act_5600001', '2026-02-01 12:00Z') as p1 \gset
select throws_ok(format('select meta_sync.finish_onboarding_phase(%s, %L)', :p1, '2026-02-01 13:00Z'), '55000', null, 'open job -> 55000');
update meta_sync.sync_jobs set status = 'completed' where id = :p1;
select meta_sync.finish_onboarding_phase(:p1, '2026-02-01 14:00Z') as p2 \gset
select is((select sync_phase::text from meta_sync.sync_jobs where id = :p2), 'historical_backfill', 'phase 2 enqueued and returned');
select is((select (phase_1_completed_at, next_sync_at)::text from meta_sync.meta_ad_accounts where id = 'act_5600001'),
  ('2026-02-01 14:00Z'::timestamptz, '2026-02-01 15:00Z'::timestamptz)::text, 'phase 1 done, next sync = p_now + high interval');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_5600001' and dataset = 'insights'), '2026-02-01'::date, 'fresh through phase 1''s last day');
select is(meta_sync.finish_onboarding_phase(:p1, '2026-02-01 15:00Z'), :p2::bigint, 'idempotent: the same phase 2');
update meta_sync.sync_jobs set status = 'completed' where id = :p2;
select meta_sync.finish_onboarding_phase(:p2, '2026-02-02 10:00Z');
select is((select phase_2_completed_at from meta_sync.meta_ad_accounts where id = 'act_5600001'), '2026-02-02 10:00Z'::timestamptz, 'phase 2 done');
select * from finish();
rollback;
