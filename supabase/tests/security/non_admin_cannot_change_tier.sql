-- A plain member, or a user of another organization, cannot change a tier: set_sync_priority
-- refuses with 42501, and a direct UPDATE is refused too. The tier stays as it was.
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

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "authenticated"}';
select throws_ok($$select meta_sync.set_sync_priority('act_1001', 'high')$$, '42501', null,
                 'a plain member cannot change the tier');
select throws_ok($$update meta_sync.meta_ad_accounts set meta_sync_priority = 'high' where id = 'act_1001'$$,
                 '42501', null, 'a member cannot update an account directly');

set local request.jwt.claims = '{"sub": "22222222-0000-4000-8000-000000000002", "role": "authenticated"}';
select throws_ok($$select meta_sync.set_sync_priority('act_1001', 'high')$$, '42501', null,
                 'the owner of another organization cannot change the tier');
reset role;

select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_1001'), 'medium',
          'the tier is unchanged');

select * from finish();
rollback;
