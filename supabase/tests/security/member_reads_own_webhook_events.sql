-- Members read the webhook events of their organisation's accounts (RLS on organization_id),
-- nothing of another organisation and nothing of events for accounts nobody here syncs; anon
-- is refused.
begin;
select plan(4);

select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.create_organization('bbbbbbbb-0000-4000-8000-000000000002');
select meta_sync_tests.add_member('aaaaaaaa-0000-4000-8000-000000000001',
  '11111111-0000-4000-8000-000000000001');
select meta_sync_tests.add_member('bbbbbbbb-0000-4000-8000-000000000002',
  '22222222-0000-4000-8000-000000000002', p_role => 'owner');
select meta_sync_tests.create_account('act_1001', p_organization_id => 'aaaaaaaa-0000-4000-8000-000000000001',
  p_with_connection => false);
select meta_sync_tests.create_account('act_2002', p_organization_id => 'bbbbbbbb-0000-4000-8000-000000000002',
  p_with_connection => false);
insert into meta_sync.webhook_events (dedupe_key, object_type, entry_id, field, value, account_id, organization_id) values
  (encode(sha256('a1'), 'hex'), 'ad_account', '1001', 'in_process_ad_objects', '{}', 'act_1001', 'aaaaaaaa-0000-4000-8000-000000000001'),
  (encode(sha256('a2'), 'hex'), 'ad_account', '1001', 'with_issues_ad_objects', '{}', 'act_1001', 'aaaaaaaa-0000-4000-8000-000000000001'),
  (encode(sha256('b1'), 'hex'), 'ad_account', '2002', 'in_process_ad_objects', '{}', 'act_2002', 'bbbbbbbb-0000-4000-8000-000000000002'),
  (encode(sha256('x1'), 'hex'), 'ad_account', '3003', 'in_process_ad_objects', '{}', 'act_3003', null);

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "authenticated"}';
select is((select array_agg(field order by field) from meta_sync.webhook_events),
  array['in_process_ad_objects', 'with_issues_ad_objects'], 'a member of A reads the two events of its account');
set local request.jwt.claims = '{"sub": "22222222-0000-4000-8000-000000000002", "role": "authenticated"}';
select is((select array_agg(account_id) from meta_sync.webhook_events), array['act_2002'],
  'the owner of B reads only B''s event');
set local request.jwt.claims = '{"sub": "33333333-0000-4000-8000-000000000003", "role": "authenticated"}';
select is((select count(*) from meta_sync.webhook_events), 0::bigint, 'a user of no organisation reads nothing');
reset role;

set local role anon;
select throws_ok($$select count(*) from meta_sync.webhook_events$$, '42501', null, 'anon is refused');
reset role;

select * from finish();
rollback;
