-- Graph calls spent on a chunk that is handed back (throttle, dead token) count on its job.
begin;
select plan(5);

-- Fixture: organization, active connection, account act_920052, job 925200 (manual), two chunks.
select meta_sync_tests.create_account_with_job('act_920052', p_job_id => 925200, p_date_since => '2030-01-01',
  p_date_until => '2030-01-14', p_total_chunks => 2, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(925200, p_id => 925201, p_date_since => '2030-01-08',
  p_date_until => '2030-01-14', p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(925200, p_id => 925202, p_date_since => '2030-01-01',
  p_date_until => '2030-01-07', p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select is(meta_sync.release_sync_chunks('w1', array[925201], '2030-02-01 00:00:20Z', p_api_calls => 4), 1,
  'released with the 4 calls it cost');
select is((select (api_calls, status)::text from meta_sync.sync_jobs where id = 925200), (4, 'in_progress')::text,
  'the job counts them, nothing else changes');
select is(meta_sync.release_sync_chunks('w2', array[925202], '2030-02-01 00:00:20Z', p_api_calls => 5), 0,
  'a chunk the worker does not hold is not released');
select is((select api_calls from meta_sync.sync_jobs where id = 925200), 4, 'and its calls are not counted');

select throws_ok($$select meta_sync.release_sync_chunks('w1', array[925201, 925202], p_api_calls => 1)$$, '22023', null,
  'calls need exactly one chunk: they cannot be shared out');

select * from finish();
rollback;
