begin;
select plan(3);

-- Fixture: organization, active connection, account act_920049, job 924900 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920049', p_job_id => 924900, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924900, p_id => 924901, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924900, p_id => 924902, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924900, p_id => 924903, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

update meta_sync.sync_jobs set status = 'completed' where id = 924900;
select throws_ok($$select meta_sync.cancel_sync_job(924900)$$, '55000', null, 'a final job cannot be cancelled');
select throws_ok($$select meta_sync.cancel_sync_job(-1)$$, 'P0002', null, 'unknown job');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 924900 and status = 'pending'), 3, 'nothing changed');

select * from finish();
rollback;
