begin;
select plan(5);
insert into meta_sync.organizations (id, name) values ('0a000000-0000-0000-0000-000000000005', 'deauth org');
insert into meta_sync.meta_connections (id, organization_id, label, token_ciphertext, token_key_id, meta_user_id) values
  ('0a000000-0000-0000-0000-0000000000d1', '0a000000-0000-0000-0000-000000000005', 'a', '\x00', 'k1', '1000000000001'),
  ('0a000000-0000-0000-0000-0000000000d2', '0a000000-0000-0000-0000-000000000005', 'b', '\x00', 'k1', '1000000000002');
select is(meta_sync.revoke_meta_user_connections('1000000000001', '2026-03-01Z'), 1, 'one connection revoked');
select is((select status::text from meta_sync.meta_connections where id = '0a000000-0000-0000-0000-0000000000d1'), 'revoked', 'that user''s connection is revoked');
select is((select status::text from meta_sync.meta_connections where id = '0a000000-0000-0000-0000-0000000000d2'), 'active', 'another user''s is not');
select throws_ok($$select meta_sync.revoke_meta_user_connections('1999999999999')$$, 'P0002', null, 'an unknown Meta user');
select throws_ok($$select meta_sync.revoke_meta_user_connections('1; drop')$$, '22007', null, 'a malformed user id');
select * from finish();
rollback;
