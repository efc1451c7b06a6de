begin;
select plan(8);
insert into meta_sync.organizations (id, name, meta_data_deletion) values
  ('0a000000-0000-0000-0000-000000000006', 'keeps data', 'tokens'),
  ('0a000000-0000-0000-0000-000000000007', 'deletes data', 'tokens_and_data');
insert into meta_sync.meta_connections (id, organization_id, label, token_ciphertext, token_key_id, meta_user_id) values
  ('0a000000-0000-0000-0000-0000000000e1', '0a000000-0000-0000-0000-000000000006', 'u', '\x00', 'k1', '1000000000009'),
  ('0a000000-0000-0000-0000-0000000000e2', '0a000000-0000-0000-0000-000000000007', 'u', '\x00', 'k1', '1000000000009'),
  ('0a000000-0000-0000-0000-0000000000e3', '0a000000-0000-0000-0000-000000000007', 'v', '\x00', 'k1', '1000000000008');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id) values
  ('act_9000001', '0a000000-0000-0000-0000-000000000006', '0a000000-0000-0000-0000-0000000000e1'),
  ('act_9000002', '0a000000-0000-0000-0000-000000000007', '0a000000-0000-0000-0000-0000000000e2'),
  ('act_9000003', '0a000000-0000-0000-0000-000000000007', '0a000000-0000-0000-0000-0000000000e3');
select results_eq($$select connections_deleted, accounts_deleted from meta_sync.delete_meta_user_data('1000000000009', 'conf_code_0000000001', '2026-03-01Z')$$,
  $$values (2, 1)$$, 'two tokens and one account deleted');
select is((select count(*)::int from meta_sync.meta_connections where meta_user_id = '1000000000009'), 0, 'the user''s tokens are gone');
select is((select connection_id from meta_sync.meta_ad_accounts where id = 'act_9000001'), null, 'tokens only: the account stays, without a token');
select is((select count(*)::int from meta_sync.meta_ad_accounts where id = 'act_9000002'), 0, 'tokens_and_data: the account and its data are gone');
select is((select count(*)::int from meta_sync.meta_ad_accounts where id = 'act_9000003'), 1, 'another user''s account stays');
select is((select status from meta_sync.data_deletion_requests where confirmation_code = 'conf_code_0000000001'), 'completed', 'the request is recorded');
select throws_ok($$select * from meta_sync.delete_meta_user_data('1000000000009', 'conf_code_0000000002')$$, 'P0002', null, 'nothing left of that user');
select is((select count(*)::int from meta_sync.data_deletion_requests), 1, 'a refused request records nothing');
select * from finish();
rollback;
