begin;
select plan(3);

-- Fixture: organization, active connection, account act_920044, job 924400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920044', p_job_id => 924400, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924400, p_id => 924401, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924400, p_id => 924402, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924400, p_id => 924403, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select is(meta_sync.release_sync_chunks('w1', array[924401, 924402, 924403], '2030-02-01 00:00:20Z'), 2, 'the two leased chunks are released');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 924400 and status = 'pending' and retry_count = 0 and locked_by is null),
  3, 'pending again, no retry counted');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w2', 5, 600, '2030-02-01 00:00:20Z')), 3, 'claimable at once');

select * from finish();
rollback;
