-- An admin (or owner) of the organization changes an account's tier through set_sync_priority,
-- and the account is rescheduled by the tier triggers.
begin;
select plan(3);

select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.add_member('aaaaaaaa-0000-4000-8000-000000000001',
  '33333333-0000-4000-8000-000000000003', p_role => 'admin');
select meta_sync_tests.create_account('act_1001', p_organization_id => 'aaaaaaaa-0000-4000-8000-000000000001',
  p_with_connection => false);

set local role authenticated;
set local request.jwt.claims = '{"sub": "33333333-0000-4000-8000-000000000003", "role": "authenticated"}';
select lives_ok($$select meta_sync.set_sync_priority('act_1001', 'high')$$, 'an admin changes the tier');
select is((select tier::text from meta_sync.meta_sync_status where account_id = 'act_1001'), 'high',
          'the admin sees the new tier');
reset role;

select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_1001'), 'high',
          'the tier is stored');

select * from finish();
rollback;
