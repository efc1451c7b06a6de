-- The worker (role meta_sync_worker) claims and completes a chunk; the job's progress change is
-- broadcast with realtime.send on the private topic org:<organization_id>:sync, event progress.
-- realtime.send is a stand-in that records its calls (Supabase Realtime is not installed here).
begin;
select plan(6);

create schema realtime;
create temp table sent (payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language sql as $$ insert into pg_temp.sent values (payload, event, topic, private) $$;

select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.create_connection('aaaaaaaa-0000-4000-8000-000000000001',
  p_id => 'aaaaaaaa-0000-4000-8000-0000000000c1', p_token_ciphertext => '\x01');
select meta_sync_tests.create_account('act_1001', p_organization_id => 'aaaaaaaa-0000-4000-8000-000000000001',
  p_connection_id => 'aaaaaaaa-0000-4000-8000-0000000000c1');
create temp table job as
select meta_sync.create_sync_job('act_1001', 'manual', 'manual', '2026-01-01', '2026-01-02', 2, false) as id;
delete from sent;

set local role meta_sync_worker;
create temp table claimed as
select c.chunk_id, c.lease_token, c.job_id from meta_sync.claim_sync_chunks('test-worker', 1) c;
select is((select count(*) from claimed), 1::bigint, 'the worker claims the chunk');
select is(meta_sync.complete_sync_chunk(cl.chunk_id, cl.lease_token, 42, 3)::text, 'completed',
          'the worker completes it') from claimed cl;
reset role;

select ok((select count(*) from sent) >= 1, 'progress changes were sent');
select is(s.topic, 'org:aaaaaaaa-0000-4000-8000-000000000001:sync', 'on the organization''s topic')
from (select * from sent order by (payload ->> 'progress_percentage')::numeric desc limit 1) s;
select is((s.event, s.private), ('progress'::text, true), 'as a private progress event')
from (select * from sent order by (payload ->> 'progress_percentage')::numeric desc limit 1) s;
select is(
  (select jsonb_build_object('job_id', (s.payload ->> 'job_id')::bigint, 'account_id', s.payload ->> 'account_id',
                             'status', s.payload ->> 'status',
                             'progress_percentage', (s.payload ->> 'progress_percentage')::numeric,
                             'completed_chunks', (s.payload ->> 'completed_chunks')::int)
   from sent s order by (s.payload ->> 'progress_percentage')::numeric desc limit 1),
  (select jsonb_build_object('job_id', cl.job_id, 'account_id', 'act_1001', 'status', 'completed',
                             'progress_percentage', 100::numeric, 'completed_chunks', 1) from claimed cl),
  'the last message says the job is complete: id, account, status, 100 %, counts');

select * from finish();
rollback;
