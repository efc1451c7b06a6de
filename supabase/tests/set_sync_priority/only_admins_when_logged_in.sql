begin;
select plan(3);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5100003',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_with_connection => false);
select meta_sync_tests.add_member('5c000000-0000-0000-0000-000000000001',
  '5c000000-0000-0000-0000-0000000000a1');
select meta_sync_tests.add_member('5c000000-0000-0000-0000-000000000001',
  '5c000000-0000-0000-0000-0000000000a2', p_role => 'admin');
select set_config('request.jwt.claim.sub', '5c000000-0000-0000-0000-0000000000a1', true);
select throws_ok($$select meta_sync.set_sync_priority('act_5100003', 'high')$$, '42501', null, 'a plain member is refused');
select set_config('request.jwt.claim.sub', '5c000000-0000-0000-0000-0000000000a2', true);
select lives_ok($$select meta_sync.set_sync_priority('act_5100003', 'high')$$, 'an admin may');
select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_5100003'), 'high', 'admin change stored');
select * from finish();
rollback;
