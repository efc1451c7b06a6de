begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, next_sync_at)
  values ('act_5100005', '5c000000-0000-0000-0000-000000000001', '2026-02-01 10:00Z');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100005'), null::timestamptz,
  'no next_sync_at while phase 1 has not completed');
update meta_sync.meta_ad_accounts set meta_sync_priority = 'high' where id = 'act_5100005';
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100005'), null::timestamptz,
  'a tier change does not schedule an account still onboarding');
select * from finish();
rollback;
