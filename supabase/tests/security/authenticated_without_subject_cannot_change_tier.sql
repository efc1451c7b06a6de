-- A request with role authenticated but no JWT subject is nobody's admin: set_sync_priority
-- refuses it with 42501 and the tier stays as it was.
begin;
select plan(2);

select meta_sync_tests.create_account('act_1011', p_with_connection => false);

set local role authenticated;
set local request.jwt.claims = '{"role": "authenticated"}';
select throws_ok($$select meta_sync.set_sync_priority('act_1011', 'high')$$, '42501', null,
                 'an authenticated request without a subject cannot change the tier');
reset role;

select is((select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_1011'), 'medium',
          'the tier is unchanged');

select * from finish();
rollback;
