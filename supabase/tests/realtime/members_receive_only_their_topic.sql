-- The policy on realtime.messages: a signed-in member of organization A receives broadcasts on
-- org:A:sync only; not org:B:sync, not other extensions, not as anon. realtime.messages and
-- realtime.topic() are stand-ins with Realtime's shape; the policy is created by the same
-- function the migration runs.
begin;
select plan(6);

create schema realtime;
create table realtime.messages (
  id bigint generated always as identity primary key, topic text not null, extension text not null,
  event text, payload jsonb, private boolean default true);
alter table realtime.messages enable row level security;
create function realtime.topic() returns text language sql stable
as $$ select nullif(current_setting('realtime.topic', true), '') $$;
grant usage on schema realtime to authenticated, anon;
grant select on realtime.messages to authenticated, anon;
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
