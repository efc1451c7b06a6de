begin;
select plan(4);
select meta_sync_tests.create_account('act_5100002', p_with_connection => false);
select throws_ok($$select meta_sync.set_sync_priority('act_5100002', 'urgent')$$, '22023',
  'unknown tier "urgent": valid tiers are high, medium, low', 'unknown tier -> 22023 listing the tiers');
select throws_ok($$select meta_sync.set_sync_priority('5100002', 'high')$$, '22007', null, 'bare number -> 22007');
select throws_ok($$select meta_sync.set_sync_priority('act_5199999', 'high')$$, 'P0002', null, 'unknown account -> P0002');
select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_5100002'), 'medium', 'nothing changed');
select * from finish();
rollback;
