begin;
select plan(4);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id) values ('act_5100002', '5c000000-0000-0000-0000-000000000001');
select throws_ok($$select meta_sync.set_sync_priority('act_5100002', 'urgent')$$, '22023',
  'unknown tier "urgent": valid tiers are high, medium, low', 'unknown tier -> 22023 listing the tiers');
select throws_ok($$select meta_sync.set_sync_priority('5100002', 'high')$$, '22007', null, 'bare number -> 22007');
select throws_ok($$select meta_sync.set_sync_priority('act_5199999', 'high')$$, 'P0002', null, 'unknown account -> P0002');
select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_5100002'), 'medium', 'nothing changed');
select * from finish();
rollback;
