begin;
select plan(3);
select throws_ok($$select * from meta_sync.get_meta_accounts_due_for_sync(0)$$, '22023', null, 'limit 0 -> 22023');
select throws_ok($$select * from meta_sync.get_meta_accounts_due_for_sync(10001)$$, '22023', null, 'limit 10001 -> 22023');
select lives_ok($$select * from meta_sync.get_meta_accounts_due_for_sync(10000)$$, 'limit 10000 is fine');
select * from finish();
rollback;
