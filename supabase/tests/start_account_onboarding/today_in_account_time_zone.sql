begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, timezone_name, created_time) values ('act_5400003', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', 'Pacific/Auckland', null), ('act_5400004', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', 'Pacific/Honolulu', null);
-- 2026-02-01 12:00 UTC is Feb 2 01:00 in Auckland (+13) and Feb 1 02:00 in Honolulu (-10).
select meta_sync.start_account_onboarding('act_5400003', '2026-02-01 12:00Z') as nz \gset
select meta_sync.start_account_onboarding('act_5400004', '2026-02-01 12:00Z') as hi \gset
select is((select date_until from meta_sync.sync_jobs where id = :nz),
  '2026-02-02'::date, 'Auckland: already tomorrow');
select is((select date_until from meta_sync.sync_jobs where id = :hi),
  '2026-02-01'::date, 'Honolulu: still today');
select * from finish();
rollback;
