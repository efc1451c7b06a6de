begin;
select plan(2);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5400003',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_timezone_name => 'Pacific/Auckland');
select meta_sync_tests.create_account('act_5400004',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_timezone_name => 'Pacific/Honolulu');
-- 2026-02-01 12:00 UTC is Feb 2 01:00 in Auckland (+13) and Feb 1 02:00 in Honolulu (-10).
select meta_sync.start_account_onboarding('act_5400003', '2026-02-01 12:00Z') as nz \gset
select meta_sync.start_account_onboarding('act_5400004', '2026-02-01 12:00Z') as hi \gset
select is((select date_until from meta_sync.sync_jobs where id = :nz),
  '2026-02-02'::date, 'Auckland: already tomorrow');
select is((select date_until from meta_sync.sync_jobs where id = :hi),
  '2026-02-01'::date, 'Honolulu: still today');
select * from finish();
rollback;
