begin;
select plan(2);

-- Fixture: organization, active connection, account act_920061, job 926100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_organization('00000000-0000-0000-0002-000000000061');
select meta_sync_tests.create_account_with_job('act_920061',
  p_organization_id => '00000000-0000-0000-0002-000000000061', p_job_id => 926100, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(926100, p_id => 926101, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(926100, p_id => 926102, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(926100, p_id => 926103, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(926101, (select lease_token from meta_sync.sync_job_chunks where id = 926101), 50, 2, p_now => '2030-02-01 00:01Z');
select row_eq($$select status::text, total_chunks, completed_chunks, running_chunks, pending_chunks, insight_rows_written, api_calls, organization_id
                from meta_sync.sync_job_progress where job_id = 926100$$,
  row('in_progress'::text, 3, 1, 1::bigint, 1::bigint, 50::bigint, 2, '00000000-0000-0000-0002-000000000061'::uuid), 'chunks by state, rows, calls');
select is((select progress_percentage from meta_sync.sync_job_progress where job_id = 926100), 33.33::numeric(5,2), 'percentage');

select * from finish();
rollback;
