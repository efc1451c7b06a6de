begin;
select plan(3);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id) values ('act_5100003', '5c000000-0000-0000-0000-000000000001');
insert into meta_sync.organization_members (organization_id, user_id, role) values
  ('5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000a1', 'member'),
  ('5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000a2', 'admin');
select set_config('request.jwt.claim.sub', '5c000000-0000-0000-0000-0000000000a1', true);
select throws_ok($$select meta_sync.set_sync_priority('act_5100003', 'high')$$, '42501', null, 'a plain member is refused');
select set_config('request.jwt.claim.sub', '5c000000-0000-0000-0000-0000000000a2', true);
select lives_ok($$select meta_sync.set_sync_priority('act_5100003', 'high')$$, 'an admin may');
select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_5100003'), 'high', 'admin change stored');
select * from finish();
rollback;
