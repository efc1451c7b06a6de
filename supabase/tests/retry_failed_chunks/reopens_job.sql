begin;
select plan(5);

-- Fixture: organization, active connection, account act_920050, job 925000 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920050', p_job_id => 925000, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 2, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(925000, p_id => 925001, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(925000, p_id => 925002, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(925001, (select lease_token from meta_sync.sync_job_chunks where id = 925001), 'boom', false, p_now => '2030-02-01 00:01Z');
select meta_sync.complete_sync_chunk(925002, (select lease_token from meta_sync.sync_job_chunks where id = 925002), p_now => '2030-02-01 00:02Z');
select is((select status::text from meta_sync.sync_jobs where id = 925000), 'completed_with_errors', 'precondition');
select is(meta_sync.retry_failed_chunks(925000, '2030-02-01 01:00Z'), 1, 'one failed chunk retried');
select row_eq($$select status::text, retry_count, run_after from meta_sync.sync_job_chunks where id = 925001$$,
  row('pending'::text, 0, '2030-02-01 01:00Z'::timestamptz), 'pending, retries reset');
select row_eq($$select status::text, failed_chunks, completed_at from meta_sync.sync_jobs where id = 925000$$,
  row('in_progress'::text, 0, null::timestamptz), 'the job is open again');
select throws_ok($$select meta_sync.retry_failed_chunks(-1)$$, 'P0002', null, 'unknown job');

select * from finish();
rollback;
