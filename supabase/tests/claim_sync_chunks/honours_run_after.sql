begin;
select plan(3);

-- Fixture: organization, active connection, account act_920002, job 920200 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920002', p_job_id => 920200, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920200, p_id => 920201, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920200, p_id => 920202, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920200, p_id => 920203, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

update meta_sync.sync_job_chunks set run_after = '2030-02-01 01:00Z' where job_id = 920200;
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:59Z')),
  0, 'not claimable before run_after');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 01:00Z')),
  3, 'claimable at run_after');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 920200 and status = 'in_progress'),
  3, 'all three are in progress');

select * from finish();
rollback;
