begin;
select plan(5);

-- Fixture: organization and account act_935002 with no structure sync yet.
select meta_sync_tests.create_account('act_935002', p_with_connection => false);

create temp table first_job as select meta_sync.request_webhook_resync('act_935002', '2030-02-01 12:00Z') as id;
select is(meta_sync.request_webhook_resync('act_935002', '2030-02-01 12:01Z'), (select id from first_job),
  'a second event while the structure chunk waits reuses the job');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = (select id from first_job)), 1,
  'and adds no chunk');

-- The structure chunk starts running: a later event must still be read, so the job gets one more chunk.
update meta_sync.sync_job_chunks set status = 'in_progress', locked_by = 'w1',
  locked_until = '2030-02-01 12:10Z', lease_token = gen_random_uuid()
  where job_id = (select id from first_job);
select is(meta_sync.request_webhook_resync('act_935002', '2030-02-01 12:02Z'), (select id from first_job),
  'an event while the chunk runs still uses the open job');
select results_eq($$select status::text, updated_since from meta_sync.sync_job_chunks where job_id = (select id from first_job) order by id$$,
  $$values ('in_progress'::text, null::timestamptz), ('pending'::text, null::timestamptz)$$,
  'one more pending structure chunk (no structure sync yet: read everything)');
select is((select total_chunks from meta_sync.sync_jobs where id = (select id from first_job)), 2,
  'total_chunks counts it');

select * from finish();
rollback;
