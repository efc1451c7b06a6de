begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, meta_sync_priority, phase_1_completed_at, last_meta_sync_at) values
  ('act_5100006', '5c000000-0000-0000-0000-000000000001', 'low', '2026-01-01 00:00Z', '2026-02-01 10:00Z'),
  ('act_5100007', '5c000000-0000-0000-0000-000000000001', 'high', '2026-01-01 00:00Z', '2026-02-01 10:00Z');
update meta_sync.meta_sync_config set interval_minutes = 30 where tier = 'low';
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100006'), '2026-02-01 10:30Z'::timestamptz,
  'low account: last sync + the new 30 minutes');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100007'), '2026-02-01 11:00Z'::timestamptz,
  'other tiers untouched');
select * from finish();
rollback;
