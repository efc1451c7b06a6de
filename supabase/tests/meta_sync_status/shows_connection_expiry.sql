begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('0a000000-0000-0000-0000-000000000009', 'expiry org');
insert into meta_sync.meta_connections (id, organization_id, label, token_ciphertext, token_key_id, expires_at, data_access_expires_at) values
  ('0a000000-0000-0000-0000-0000000000f1', '0a000000-0000-0000-0000-000000000009', 'u', '\x00', 'k1', '2026-05-01Z', '2026-06-01Z'),
  ('0a000000-0000-0000-0000-0000000000f2', '0a000000-0000-0000-0000-000000000009', 's', '\x00', 'k1', null, null);
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id) values
  ('act_9100001', '0a000000-0000-0000-0000-000000000009', '0a000000-0000-0000-0000-0000000000f1'),
  ('act_9100002', '0a000000-0000-0000-0000-000000000009', '0a000000-0000-0000-0000-0000000000f2');
select results_eq($$select connection_expires_at, connection_data_access_expires_at from meta_sync.meta_sync_status where account_id = 'act_9100001'$$,
  $$values ('2026-05-01Z'::timestamptz, '2026-06-01Z'::timestamptz)$$, 'a user token: its expiry and data-access expiry');
select results_eq($$select connection_expires_at, connection_data_access_expires_at from meta_sync.meta_sync_status where account_id = 'act_9100002'$$,
  $$values (null::timestamptz, null::timestamptz)$$, 'a system-user token: never');
select * from finish();
rollback;
