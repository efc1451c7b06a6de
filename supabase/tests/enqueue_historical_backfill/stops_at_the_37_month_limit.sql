begin;
select plan(2);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5500002',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_created_time => '2010-01-01');
select meta_sync_tests.create_account('act_5500003',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_created_time => '2025-12-01');
select meta_sync.start_account_onboarding('act_5500002', '2026-02-01 12:00Z');
select meta_sync.enqueue_historical_backfill('act_5500002', '2026-02-01 12:00Z') as p2 \gset
select cmp_ok((select date_since from meta_sync.sync_jobs where id = :p2),
  '>', '2023-01-01'::date, 'an old account starts inside Meta''s 37 months (with margin)');
select meta_sync.start_account_onboarding('act_5500003', '2026-02-01 12:00Z');
select is(meta_sync.enqueue_historical_backfill('act_5500003', '2026-02-01 12:00Z'), null::bigint, 'nothing older than phase 1: NULL');
select * from finish();
rollback;
