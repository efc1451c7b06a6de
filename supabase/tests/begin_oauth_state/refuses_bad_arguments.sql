begin;
select plan(6);
insert into meta_sync.organizations (id, name) values ('0a000000-0000-0000-0000-000000000002', 'oauth begin org'), ('0a000000-0000-0000-0000-000000000003', 'other org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('0a000000-0000-0000-0000-0000000000c3', '0a000000-0000-0000-0000-000000000003', '\x00', 'k1');
select throws_ok($$select meta_sync.begin_oauth_state('\x01', sha256('b'), '0a000000-0000-0000-0000-000000000002', null, 'https://x/cb', '{ads_read}', false, 'op')$$,
  '22023', null, 'a state that is not a sha-256 hash');
select throws_ok($$select meta_sync.begin_oauth_state(sha256('a'), sha256('b'), '0a000000-0000-0000-0000-000000000002', null, 'javascript:alert(1)', '{ads_read}', false, 'op')$$,
  '22023', null, 'a redirect_uri that is no http(s) URL');
select throws_ok($$select meta_sync.begin_oauth_state(sha256('a'), sha256('b'), '0a000000-0000-0000-0000-000000000002', null, 'https://x/cb', '{}', false, 'op')$$,
  '22023', null, 'no scope');
select throws_ok($$select meta_sync.begin_oauth_state(sha256('a'), sha256('b'), '0a000000-0000-0000-0000-0000000000ff', null, 'https://x/cb', '{ads_read}', false, 'op')$$,
  'P0002', null, 'an unknown organisation');
select throws_ok($$select meta_sync.begin_oauth_state(sha256('a'), sha256('b'), '0a000000-0000-0000-0000-000000000002', '0a000000-0000-0000-0000-0000000000c3', 'https://x/cb', '{ads_read}', false, 'op')$$,
  '22023', null, 'reconnecting a connection of another organisation');
select is((select count(*)::int from meta_sync.oauth_states), 0, 'nothing stored');
select * from finish();
rollback;
