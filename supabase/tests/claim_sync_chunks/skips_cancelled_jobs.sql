begin;
select plan(2);

-- Fixture: organization, active connection, account act_920006, job 920600 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920006', p_job_id => 920600, p_job_status => 'cancelled',
  p_date_since => '2030-01-01', p_date_until => '2030-01-21', p_total_chunks => 3,
  p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920600, p_id => 920601, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920600, p_id => 920602, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920600, p_id => 920603, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  0, 'pending chunks of a cancelled job are not claimed');
update meta_sync.sync_jobs set status = 'pending' where id = 920600;
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  3, 'claimable when the job is open');

select * from finish();
rollback;
