begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, phase_1_completed_at, last_meta_sync_at)
  values ('act_5100004', '5c000000-0000-0000-0000-000000000001', '2026-01-01 00:00Z', '2026-02-01 10:00Z');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100004'), '2026-02-01 12:00Z'::timestamptz,
  'insert: medium = last sync + 120 minutes');
update meta_sync.meta_ad_accounts set meta_sync_priority = 'high' where id = 'act_5100004';
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100004'), '2026-02-01 11:00Z'::timestamptz,
  'plain UPDATE of the tier: last sync + 60 minutes');
select * from finish();
rollback;
