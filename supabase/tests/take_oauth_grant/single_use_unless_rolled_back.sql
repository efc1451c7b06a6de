begin;
select plan(5);
insert into meta_sync.organizations (id, name) values ('0a000000-0000-0000-0000-000000000004', 'grant org');
select meta_sync.stash_oauth_grant('0a000000-0000-0000-0000-0000000000a1', sha256('browser-a'), '0a000000-0000-0000-0000-000000000004', null,
  '1000000000001', '\x0102', 'k1', '2026-05-01Z', '2026-06-01Z', '{ads_read}', '{business_management}', '[{"id": "act_1"}]', '2026-03-01 12:00Z');
select throws_ok($$select * from meta_sync.take_oauth_grant('0a000000-0000-0000-0000-0000000000a1', sha256('browser-b'), '2026-03-01 12:01Z')$$,
  'P0002', null, 'another session cannot take it');
savepoint pick;
select is((select meta_user_id from meta_sync.take_oauth_grant('0a000000-0000-0000-0000-0000000000a1', sha256('browser-a'), '2026-03-01 12:01Z')), '1000000000001', 'taken');
rollback to savepoint pick;
select is((select used_at from meta_sync.oauth_grants), null, 'a rolled-back pick leaves it pending');
select meta_sync.take_oauth_grant('0a000000-0000-0000-0000-0000000000a1', sha256('browser-a'), '2026-03-01 12:02Z');
select throws_ok($$select * from meta_sync.take_oauth_grant('0a000000-0000-0000-0000-0000000000a1', sha256('browser-a'), '2026-03-01 12:03Z')$$,
  '55000', null, 'single use');
select meta_sync.stash_oauth_grant('0a000000-0000-0000-0000-0000000000a2', sha256('browser-a'), '0a000000-0000-0000-0000-000000000004', null,
  '1000000000001', '\x0102', 'k1', null, null, '{ads_read}', '{}', '[]', '2026-03-01 12:00Z');
select throws_ok($$select * from meta_sync.take_oauth_grant('0a000000-0000-0000-0000-0000000000a2', sha256('browser-a'), '2026-03-01 12:31Z')$$,
  '55000', null, 'expired after 30 minutes');
select * from finish();
rollback;
