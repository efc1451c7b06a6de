-- Graph calls spent on a failed attempt count on the chunk and its job (sync_job_progress,
-- sync_analytics): a retried attempt, a final failure, and the completion after a retry add up.
begin;
select plan(6);

-- Fixture: organization, active connection, account act_920051, job 925100 (manual), two chunks.
select meta_sync_tests.create_account_with_job('act_920051', p_job_id => 925100, p_date_since => '2030-01-01',
  p_date_until => '2030-01-14', p_total_chunks => 2, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(925100, p_id => 925101, p_date_since => '2030-01-08',
  p_date_until => '2030-01-14', p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(925100, p_id => 925102, p_date_since => '2030-01-01',
  p_date_until => '2030-01-07', p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select is(meta_sync.fail_sync_chunk(925101, (select lease_token from meta_sync.sync_job_chunks where id = 925101), 'timeout',
                                    p_now => '2030-02-01 00:01Z', p_api_calls => 3),
  'pending'::meta_sync.chunk_status, 'a retryable failure with 3 calls');
select is((select api_calls from meta_sync.sync_jobs where id = 925100), 3, 'the job counts the calls of the retried attempt');
select meta_sync.fail_sync_chunk(925102, (select lease_token from meta_sync.sync_job_chunks where id = 925102), 'bad request',
                                 false, p_now => '2030-02-01 00:01Z', p_api_calls => 2);
select is((select api_calls from meta_sync.sync_jobs where id = 925100), 5, 'and those of a final failure');
select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:02Z');
select meta_sync.complete_sync_chunk(925101, (select lease_token from meta_sync.sync_job_chunks where id = 925101), 10, 4,
                                     p_now => '2030-02-01 00:03Z');
select is((select (status, api_calls)::text from meta_sync.sync_jobs where id = 925100),
  ('completed_with_errors', 9)::text, 'every attempt of the job counted once');
select is(array(select api_calls from meta_sync.sync_job_chunks where job_id = 925100 order by id), array[7, 2],
  'each chunk holds the calls of all its attempts');
select throws_ok($$select meta_sync.fail_sync_chunk(925101, null, 'x', p_api_calls => -1)$$, '22023', null,
  'negative calls are refused');

select * from finish();
rollback;
