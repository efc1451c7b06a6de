-- The Graph calls that found "too much data" count on the split parent and its job: a split
-- chunk's attempt is not free.
begin;
select plan(3);

-- Fixture: organization, active connection, account act_920052, job 925200 (manual), one chunk.
select meta_sync_tests.create_account_with_job('act_920052', p_job_id => 925200, p_date_since => '2030-01-01',
  p_date_until => '2030-01-14', p_total_chunks => 1, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(925200, p_id => 925201, p_date_since => '2030-01-01',
  p_date_until => '2030-01-14', p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(cardinality(meta_sync.split_sync_chunk(925201, (select lease_token from meta_sync.sync_job_chunks where id = 925201),
                                                 p_now => '2030-02-01 00:01Z', p_api_calls => 4)),
  2, 'split with the 4 calls that found too much data');
select is((select (api_calls, total_chunks)::text from meta_sync.sync_jobs where id = 925200), (4, 2)::text,
  'the job counts them (and one chunk more)');
select is((select api_calls from meta_sync.sync_job_chunks where id = 925201), 4, 'the split parent holds them');

select * from finish();
rollback;
