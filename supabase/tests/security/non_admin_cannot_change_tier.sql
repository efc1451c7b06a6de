-- A plain member, or a user of another organization, cannot change a tier: set_sync_priority
-- refuses with 42501, and a direct UPDATE is refused too. The tier stays as it was.
begin;
select plan(4);

insert into meta_sync.organizations (id, name) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'Org A'), ('bbbbbbbb-0000-4000-8000-000000000002', 'Org B');
insert into meta_sync.organization_members (organization_id, user_id, role) values
  ('aaaaaaaa-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000001', 'member'),
  ('bbbbbbbb-0000-4000-8000-000000000002', '22222222-0000-4000-8000-000000000002', 'owner');
insert into meta_sync.meta_ad_accounts (id, organization_id) values ('act_1001', 'aaaaaaaa-0000-4000-8000-000000000001');

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
