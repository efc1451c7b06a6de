begin;
select plan(4);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, phase_1_completed_at, next_sync_at) values ('act_5300004', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', '2026-01-01', '2026-02-01 08:00Z');
select throws_ok($$select meta_sync.update_meta_sync_status('act_5300004', 'maybe')$$, '22023', null, 'unknown outcome -> 22023');
select throws_ok($$select meta_sync.update_meta_sync_status('act_x', 'success')$$, '22007', 'malformed ad account id "act_x": expected act_<digits>', 'malformed id -> 22007 naming it');
select throws_ok($$select meta_sync.update_meta_sync_status('act_5399999', 'success')$$, 'P0002', null, 'unknown account -> P0002');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5300004'), '2026-02-01 08:00Z'::timestamptz, 'nothing changed');
select * from finish();
rollback;
