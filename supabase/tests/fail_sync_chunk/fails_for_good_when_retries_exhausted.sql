begin;
select plan(3);

-- Fixture: organization, active connection, account act_920031, job 923100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920031', p_job_id => 923100, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(923100, p_id => 923101, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01',
  p_max_retries => 0);
select meta_sync_tests.create_chunk(923100, p_id => 923102, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01',
  p_max_retries => 0);
select meta_sync_tests.create_chunk(923100, p_id => 923103, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01',
  p_max_retries => 0);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.fail_sync_chunk(923101, (select lease_token from meta_sync.sync_job_chunks where id = 923101), 'still broken', p_now => '2030-02-01 00:01Z'),
  'failed'::meta_sync.chunk_status, 'no retries left: failed');
select row_eq($$select status::text, retry_count, completed_at from meta_sync.sync_job_chunks where id = 923101$$,
  row('failed'::text, 0, '2030-02-01 00:01Z'::timestamptz), 'final');
select is((select failed_chunks from meta_sync.sync_jobs where id = 923100), 1, 'counted on the job');

select * from finish();
rollback;
