-- A new job (inserted, then given its chunks and total in the same transaction) is one
-- broadcast with its final state, not two; each later state change is one more.
begin;
select plan(4);
\ir stand_ins.psql

insert into meta_sync.organizations (id, name) values ('aaaaaaaa-0000-4000-8000-000000000001', 'Org A');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('aaaaaaaa-0000-4000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-000000000001', '\x01', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id) values
  ('act_1001', 'aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000c1');
create temp table before as select count(*) as n from realtime.messages where extension = 'broadcast';
create view pg_temp.sent as
select payload from realtime.messages
where extension = 'broadcast' order by inserted_at offset (select n from before);

create temp table job as
select meta_sync.create_sync_job('act_1001', 'manual', 'manual', '2026-01-01', '2026-01-14', 7, true) as id;
set constraints all immediate;  -- what a commit would do: the deferred broadcasts go out
select is((select count(*) from sent), 1::bigint, 'one message for the new job');
select is((select (payload ->> 'total_chunks')::int from sent), 3,
  'with its final state (structure + two insights chunks)');

select count(*) from meta_sync.claim_sync_chunks('w', 1);
select is((select count(*) from sent), 2::bigint, 'the claim (job in progress) is one more');
update meta_sync.sync_jobs set requested_by = 'again' where id = (select id from job);
select is((select count(*) from sent), 2::bigint, 'and a change nobody sees is none');

select * from finish();
rollback;
