begin;
select plan(3);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, phase_1_completed_at, last_meta_sync_at)
  values ('act_5100001', '5c000000-0000-0000-0000-000000000001', '2026-01-01 00:00Z', '2026-02-01 10:00Z');
select is(meta_sync.set_sync_priority('act_5100001', 'high', '2026-02-01 10:30Z'), '2026-02-01 11:00Z'::timestamptz,
  'high: last sync + 60 minutes, returned');
select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_5100001'), 'high', 'tier stored');
select is(meta_sync.set_sync_priority('act_5100001', 'LOW', '2026-02-01 10:30Z'), '2026-02-01 14:00Z'::timestamptz,
  'low (case-insensitive): last sync + 240 minutes');
select * from finish();
rollback;
