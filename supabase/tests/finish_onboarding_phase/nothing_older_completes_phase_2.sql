begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, timezone_name, created_time) values ('act_5600002', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', 'UTC', '2026-01-20');
select meta_sync.start_account_onboarding('act_5600002', '2026-02-01 12:00Z') as p1 \gset
update meta_sync.sync_jobs set status = 'completed_with_errors' where id = :p1;
select is(meta_sync.finish_onboarding_phase(:p1, '2026-02-01 14:00Z'), null::bigint, 'no phase 2 for a young account');
select is((select phase_2_completed_at from meta_sync.meta_ad_accounts where id = 'act_5600002'), '2026-02-01 14:00Z'::timestamptz, 'phase 2 marked done');
select * from finish();
rollback;
