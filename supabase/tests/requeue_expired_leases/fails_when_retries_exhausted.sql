begin;
select plan(3);

-- Fixture: organization, active connection, account act_920047, job 924700 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920047', p_job_id => 924700, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 1, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924700, p_id => 924701, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01',
  p_max_retries => 0);

select * from meta_sync.claim_sync_chunks('w1', 1, 60, '2030-02-01 00:00Z');
select is(meta_sync.requeue_expired_leases('2030-02-01 00:05Z'), 1, 'reaped');
select is((select status::text from meta_sync.sync_job_chunks where id = 924701), 'failed', 'no retries left: failed');
select row_eq($$select status::text, failed_chunks from meta_sync.sync_jobs where id = 924700$$,
  row('failed'::text, 1), 'the job counts it and, all chunks failed, fails');

select * from finish();
rollback;
