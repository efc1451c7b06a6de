begin;
select plan(2);

-- Fixture: organization, active connection, account act_920032, job 923200 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920032', p_job_id => 923200, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(923200, p_id => 923201, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(923200, p_id => 923202, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(923200, p_id => 923203, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.fail_sync_chunk(923201, (select lease_token from meta_sync.sync_job_chunks where id = 923201), 'bad request', false, p_now => '2030-02-01 00:01Z'),
  'failed'::meta_sync.chunk_status, 'a non-retryable error fails the chunk');
select is((select retry_count from meta_sync.sync_job_chunks where id = 923201), 0, 'no retry counted');

select * from finish();
rollback;
