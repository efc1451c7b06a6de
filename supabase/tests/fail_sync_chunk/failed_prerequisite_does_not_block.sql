begin;
select plan(2);

-- Fixture: organization, active connection, account act_920034, job 923400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920034', p_job_id => 923400, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 4, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(923400, p_id => 923401, p_chunk_type => 'structure', p_chunk_order => 0,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(923400, p_id => 923402, p_depends_on_chunk_id => 923401,
  p_date_since => '2030-01-21'::date - 6, p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(923400, p_id => 923403, p_depends_on_chunk_id => 923401,
  p_date_since => '2030-01-21'::date - 13, p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(923400, p_id => 923404, p_depends_on_chunk_id => 923401,
  p_date_since => '2030-01-21'::date - 20, p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3,
  p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(923401, (select lease_token from meta_sync.sync_job_chunks where id = 923401), 'structure read failed', false, p_now => '2030-02-01 00:01Z');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 600, '2030-02-01 00:01Z')),
  3, 'insights of a job whose structure chunk failed still run');
select is((select status::text from meta_sync.sync_jobs where id = 923400), 'in_progress', 'the job goes on');

select * from finish();
rollback;
