begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, timezone_name, created_time) values ('act_5500002', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', 'UTC', '2010-01-01'), ('act_5500003', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', 'UTC', '2025-12-01');
select meta_sync.start_account_onboarding('act_5500002', '2026-02-01 12:00Z');
select meta_sync.enqueue_historical_backfill('act_5500002', '2026-02-01 12:00Z') as p2 \gset
select cmp_ok((select date_since from meta_sync.sync_jobs where id = :p2),
  '>', '2023-01-01'::date, 'an old account starts inside Meta''s 37 months (with margin)');
select meta_sync.start_account_onboarding('act_5500003', '2026-02-01 12:00Z');
select is(meta_sync.enqueue_historical_backfill('act_5500003', '2026-02-01 12:00Z'), null::bigint, 'nothing older than phase 1: NULL');
select * from finish();
rollback;
