begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('0a000000-0000-0000-0000-000000000008', 'attention org');
insert into meta_sync.meta_connections (organization_id, label, token_ciphertext, token_key_id, token_type, status, expires_at, data_access_expires_at, missing_scopes) values
  ('0a000000-0000-0000-0000-000000000008', 'system', '\x00', 'k1', 'system_user', 'active', null, null, '{}'),
  ('0a000000-0000-0000-0000-000000000008', 'fine', '\x00', 'k1', 'user', 'active', now() + interval '50 days', now() + interval '80 days', '{}'),
  ('0a000000-0000-0000-0000-000000000008', 'soon', '\x00', 'k1', 'user', 'active', now() + interval '3 days', now() + interval '80 days', '{}'),
  ('0a000000-0000-0000-0000-000000000008', 'data', '\x00', 'k1', 'user', 'active', now() + interval '50 days', now() + interval '2 days', '{}'),
  ('0a000000-0000-0000-0000-000000000008', 'perm', '\x00', 'k1', 'user', 'active', now() + interval '50 days', now() + interval '80 days', '{business_management}'),
  ('0a000000-0000-0000-0000-000000000008', 'dead', '\x00', 'k1', 'user', 'expired', now() - interval '1 day', null, '{}'),
  ('0a000000-0000-0000-0000-000000000008', 'gone', '\x00', 'k1', 'user', 'revoked', now() + interval '50 days', null, '{}'),
  ('0a000000-0000-0000-0000-000000000008', 'sysdead', '\x00', 'k1', 'system_user', 'expired', null, null, '{}');
select results_eq($$select label, reason from meta_sync.meta_connections_attention where organization_id = '0a000000-0000-0000-0000-000000000008' order by label$$,
  $$values ('data', 'data_access_expiring'), ('dead', 'expired'), ('gone', 'revoked'), ('perm', 'permission_missing'), ('soon', 'expiring'), ('sysdead', 'expired')$$,
  'every reason; a working system-user token and a fine user token are not listed');
select hasnt_column('meta_sync', 'meta_connections_attention', 'token_ciphertext', 'no token column');
select * from finish();
rollback;
