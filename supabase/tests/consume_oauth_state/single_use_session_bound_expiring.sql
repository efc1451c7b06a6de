begin;
select plan(8);
insert into meta_sync.organizations (id, name) values ('0a000000-0000-0000-0000-000000000001', 'oauth state org');
select meta_sync.begin_oauth_state(sha256('s1'), sha256('browser-a'), '0a000000-0000-0000-0000-000000000001', null,
  'https://app.test/connect/meta/callback', '{ads_read,business_management}', false, 'operator', '2026-03-01 12:00Z') as expires \gset
select is(:'expires'::timestamptz, '2026-03-01 12:10Z'::timestamptz, 'a state lives 10 minutes');
select throws_ok($$select * from meta_sync.consume_oauth_state(sha256('s1'), sha256('browser-b'), '2026-03-01 12:01Z')$$,
  '22023', 'unknown login state: this browser did not start this login', 'another browser session cannot use it');
select throws_ok($$select * from meta_sync.consume_oauth_state(sha256('forged'), sha256('browser-a'), '2026-03-01 12:01Z')$$,
  '22023', null, 'a forged state is unknown');
select is((select redirect_uri from meta_sync.consume_oauth_state(sha256('s1'), sha256('browser-a'), '2026-03-01 12:01Z')),
  'https://app.test/connect/meta/callback', 'the right session gets what was recorded');
select throws_ok($$select * from meta_sync.consume_oauth_state(sha256('s1'), sha256('browser-a'), '2026-03-01 12:02Z')$$,
  '55000', 'this login was already completed (a login state is single use)', 'single use');
select meta_sync.begin_oauth_state(sha256('s2'), sha256('browser-a'), '0a000000-0000-0000-0000-000000000001', null,
  'https://app.test/cb', '{ads_read}', false, 'operator', '2026-03-01 12:00Z');
select throws_ok($$select * from meta_sync.consume_oauth_state(sha256('s2'), sha256('browser-a'), '2026-03-01 12:10Z')$$,
  '55000', 'this login expired (after 10 minutes)', 'expired after 10 minutes');
select is((select used_at from meta_sync.oauth_states where state_hash = sha256('s2')), null, 'an expired state is not marked used');
select is((select count(*)::int from meta_sync.oauth_states), 2, 'states are stored as hashes only, nothing else added');
select * from finish();
rollback;
