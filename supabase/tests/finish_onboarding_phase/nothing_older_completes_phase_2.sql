begin;
select plan(2);
select meta_sync_tests.create_account('act_5600002', p_created_time => '2026-01-20');
select meta_sync.start_account_onboarding('act_5600002', '2026-02-01 12:00Z') as p1 \gset
update meta_sync.sync_jobs set status = 'completed_with_errors' where id = :p1;
select is(meta_sync.finish_onboarding_phase(:p1, '2026-02-01 14:00Z'), null::bigint, 'no phase 2 for a young account');
select is((select phase_2_completed_at from meta_sync.meta_ad_accounts where id = 'act_5600002'), '2026-02-01 14:00Z'::timestamptz, 'phase 2 marked done');
select * from finish();
rollback;
