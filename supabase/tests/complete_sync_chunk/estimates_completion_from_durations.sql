begin;
select plan(2);

-- Fixture: organization, active connection, account act_920024, job 922400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920024', p_job_id => 922400, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922400, p_id => 922401, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922400, p_id => 922402, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922400, p_id => 922403, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(922401, (select lease_token from meta_sync.sync_job_chunks where id = 922401), p_now => '2030-02-01 00:01Z');
select is((select estimated_completion_at from meta_sync.sync_jobs where id = 922400),
  '2030-02-01 00:03Z'::timestamptz, 'one worker, 60 s per chunk, 2 left: 2 minutes');
select meta_sync.complete_sync_chunk(922402, (select lease_token from meta_sync.sync_job_chunks where id = 922402), p_now => '2030-02-01 00:01Z');
-- 2 chunks x 60 s busy in 60 s elapsed: parallelism 2, 1 chunk left: 30 s.
select is((select estimated_completion_at from meta_sync.sync_jobs where id = 922400),
  '2030-02-01 00:01:30Z'::timestamptz, 'observed parallelism shortens the estimate');

select * from finish();
rollback;
