-- The policy on realtime.messages: a signed-in member of organization A receives broadcasts on
-- org:A:sync only; not org:B:sync, not other extensions, not as anon. Realtime's own
-- realtime.messages and realtime.topic() where installed, else stand-ins (stand_ins.psql); the
-- policy is created by the same function the migration runs.
begin;
select plan(6);

\ir stand_ins.psql
select ok(meta_sync.authorize_realtime_topics(), 'the policy is created where realtime.messages exists');

select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.create_organization('bbbbbbbb-0000-4000-8000-000000000002');
select meta_sync_tests.add_member('aaaaaaaa-0000-4000-8000-000000000001',
  '11111111-0000-4000-8000-000000000001');
insert into realtime.messages (topic, extension, event) values
  ('org:aaaaaaaa-0000-4000-8000-000000000001:sync', 'broadcast', 'progress'),
  ('org:aaaaaaaa-0000-4000-8000-000000000001:sync', 'presence', 'join'),
  ('org:bbbbbbbb-0000-4000-8000-000000000002:sync', 'broadcast', 'progress');

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "authenticated"}';
set local realtime.topic = 'org:aaaaaaaa-0000-4000-8000-000000000001:sync';
select is((select count(*) from realtime.messages where extension = 'broadcast'), 1::bigint,
          'a member of A receives the broadcast on org:A:sync');
select is((select count(*) from realtime.messages where extension <> 'broadcast'), 0::bigint,
          'but nothing of other extensions');
set local realtime.topic = 'org:bbbbbbbb-0000-4000-8000-000000000002:sync';
select is((select count(*) from realtime.messages), 0::bigint, 'nothing on org:B:sync');
set local realtime.topic = 'org:not-a-uuid:sync';
select is((select count(*) from realtime.messages), 0::bigint, 'nothing on a malformed topic');
reset role;

set local role anon;
set local realtime.topic = 'org:aaaaaaaa-0000-4000-8000-000000000001:sync';
select is((select count(*) from realtime.messages), 0::bigint, 'anon receives nothing');
reset role;

select * from finish();
rollback;
