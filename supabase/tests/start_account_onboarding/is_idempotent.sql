begin;
select plan(3);
select meta_sync_tests.create_account('act_5400002');
select meta_sync.start_account_onboarding('act_5400002', '2026-02-01 12:00Z') as job \gset
select is(meta_sync.start_account_onboarding('act_5400002', '2026-02-02 12:00Z'), :job::bigint, 'open phase 1: returned again');
update meta_sync.sync_jobs set status = 'completed' where id = :job;
select is(meta_sync.start_account_onboarding('act_5400002', '2026-02-03 12:00Z'), :job::bigint, 'completed phase 1: returned again');
select is((select count(*)::int from meta_sync.sync_jobs where account_id = 'act_5400002'), 1, 'nothing else created');
select * from finish();
rollback;
