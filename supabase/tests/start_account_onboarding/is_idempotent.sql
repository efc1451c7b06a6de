begin;
select plan(3);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, timezone_name, created_time) values ('act_5400002', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', 'UTC', null);
select meta_sync.start_account_onboarding('act_5400002', '2026-02-01 12:00Z') as job \gset
select is(meta_sync.start_account_onboarding('act_5400002', '2026-02-02 12:00Z'), :job::bigint, 'open phase 1: returned again');
update meta_sync.sync_jobs set status = 'completed' where id = :job;
select is(meta_sync.start_account_onboarding('act_5400002', '2026-02-03 12:00Z'), :job::bigint, 'completed phase 1: returned again');
select is((select count(*)::int from meta_sync.sync_jobs where account_id = 'act_5400002'), 1, 'nothing else created');
select * from finish();
rollback;
