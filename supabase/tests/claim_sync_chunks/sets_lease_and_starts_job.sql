begin;
select plan(6);

-- Fixture: organization, active connection, account act_920008, job 920800 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_organization('00000000-0000-0000-0002-000000000008');
select meta_sync_tests.create_account_with_job('act_920008',
  p_organization_id => '00000000-0000-0000-0002-000000000008', p_job_id => 920800, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920800, p_id => 920801, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920800, p_id => 920802, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920800, p_id => 920803, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

create temp table claimed as select * from meta_sync.claim_sync_chunks('w1', 1, 90, '2030-02-01 00:00Z');
select is((select chunk_id from claimed), 920801::bigint, 'the first chunk is returned');
select is((select locked_until from claimed), '2030-02-01 00:01:30Z'::timestamptz, 'lease = p_now + 90 s');
select isnt((select lease_token from claimed), null, 'a lease token is returned');
select row_eq($$select status::text, locked_by, claimed_count, started_at from meta_sync.sync_job_chunks where id = 920801$$,
  row('in_progress'::text, 'w1'::text, 1, '2030-02-01 00:00Z'::timestamptz), 'the chunk is leased to w1');
select row_eq($$select status::text, started_at from meta_sync.sync_jobs where id = 920800$$,
  row('in_progress'::text, '2030-02-01 00:00Z'::timestamptz), 'the job started');
select row_eq($$select account_id, organization_id, timezone_name, sync_phase::text, chunk_type::text from claimed$$,
  row('act_920008'::text, '00000000-0000-0000-0002-000000000008'::uuid, 'UTC'::text, 'manual'::text, 'insights'::text), 'what the worker needs comes along');

select * from finish();
rollback;
