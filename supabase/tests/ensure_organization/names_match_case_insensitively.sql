-- Organisation names are unique without case or surrounding blanks: a different case finds the
-- same organisation, never a new one.
begin;
select plan(6);
select isnt(meta_sync.ensure_organization('AgencyOne'), null, 'a new name creates the organisation');
select is(meta_sync.ensure_organization('  agencyone '), meta_sync.ensure_organization('AgencyOne'),
  'another case and blanks: the same organisation');
select is((select count(*)::integer from meta_sync.organizations where lower(name) = 'agencyone'), 1,
  'one organisation, not two');
select throws_ok($$insert into meta_sync.organizations (name) values ('AGENCYONE')$$, '23505', null,
  'a plain insert of a duplicate name is refused by the unique index');
select throws_ok($$select meta_sync.ensure_organization('  ')$$, '22023', null, 'a blank name is refused');
select throws_ok($$select meta_sync.ensure_organization('6a000000-0000-0000-0000-00000000dead')$$, 'P0002',
  null, 'an unknown organisation id is refused, not created');
select * from finish();
rollback;
