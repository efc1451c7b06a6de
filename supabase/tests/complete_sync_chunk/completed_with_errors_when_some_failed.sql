begin;
select plan(2);

-- Fixture: organization, active connection, account act_920026, job 922600 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920026', p_job_id => 922600, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 2, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922600, p_id => 922601, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922600, p_id => 922602, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(922601, (select lease_token from meta_sync.sync_job_chunks where id = 922601), 'bad request', false, p_now => '2030-02-01 00:01Z');
select is(meta_sync.complete_sync_chunk(922602, (select lease_token from meta_sync.sync_job_chunks where id = 922602), p_now => '2030-02-01 00:02Z'),
  'completed_with_errors'::meta_sync.job_status, 'one failed, one completed');
select row_eq($$select completed_chunks, failed_chunks, last_error from meta_sync.sync_jobs where id = 922600$$,
  row(1, 1, 'bad request'::text), 'counts and the error are on the job');

select * from finish();
rollback;
