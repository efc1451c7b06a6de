-- A signed-in user who is not an owner/admin of the account's organisation gets the same 42501
-- refusal (same message) for an account of another organisation and for an account that does
-- not exist: set_sync_priority does not tell them which ids exist. The service role and the
-- superuser still get P0002 for an unknown account.
begin;
select plan(7);
select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.add_member('aaaaaaaa-0000-4000-8000-000000000001',
  '11111111-0000-4000-8000-000000000001', p_role => 'admin');
select meta_sync_tests.create_account('act_1001', p_organization_id => 'aaaaaaaa-0000-4000-8000-000000000001',
  p_with_connection => false);
select meta_sync_tests.create_account('act_2002', p_with_connection => false);

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "authenticated"}';
select throws_ok($$select meta_sync.set_sync_priority('act_2002', 'high')$$, '42501',
  'only owners and admins of the organization may change the tier of act_2002', 'an account of another organisation: 42501');
select throws_ok($$select meta_sync.set_sync_priority('act_9009', 'high')$$, '42501',
  'only owners and admins of the organization may change the tier of act_9009', 'an unknown account: the same 42501');
select throws_ok($$select meta_sync.set_sync_priority('act_x', 'high')$$, '22007', null, 'a malformed id is still 22007');
select lives_ok($$select meta_sync.set_sync_priority('act_1001', 'high')$$, 'the admin changes its own account');
reset role;
set local request.jwt.claims = '{}';

select throws_ok($$select meta_sync.set_sync_priority('act_9009', 'high')$$, 'P0002', null, 'the superuser: P0002');
set local role service_role;
set local request.jwt.claims = '{"role": "service_role"}';
select throws_ok($$select meta_sync.set_sync_priority('act_9009', 'high')$$, 'P0002', null, 'the service role: P0002');
reset role;
select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_2002'), 'medium', 'B''s tier unchanged');
select * from finish();
rollback;
