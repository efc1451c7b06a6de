begin;
select plan(4);

-- Fixture: organization, active connection, account act_920029, job 922900 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920029', p_job_id => 922900, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 1, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922900, p_id => 922901, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.fail_sync_chunk(922901, (select lease_token from meta_sync.sync_job_chunks where id = 922901), 'timeout', p_now => '2030-02-01 00:00Z'),
  'pending'::meta_sync.chunk_status, 'retryable: pending again');
select row_eq($$select retry_count, run_after, last_error, locked_by from meta_sync.sync_job_chunks where id = 922901$$,
  row(1, '2030-02-01 00:00:30Z'::timestamptz, 'timeout'::text, null::text), 'first retry after 30 s');
select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00:30Z');
select meta_sync.fail_sync_chunk(922901, (select lease_token from meta_sync.sync_job_chunks where id = 922901), 'timeout', p_now => '2030-02-01 00:01Z');
select is((select run_after from meta_sync.sync_job_chunks where id = 922901), '2030-02-01 00:02Z'::timestamptz,
  'second retry after 60 s');
update meta_sync.sync_job_chunks set retry_count = 9, max_retries = 20 where id = 922901;
select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:02Z');
select meta_sync.fail_sync_chunk(922901, (select lease_token from meta_sync.sync_job_chunks where id = 922901), 'timeout', p_now => '2030-02-01 00:03Z');
select is((select run_after from meta_sync.sync_job_chunks where id = 922901), '2030-02-01 01:03Z'::timestamptz,
  'capped at one hour');

select * from finish();
rollback;
