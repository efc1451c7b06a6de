begin;
select plan(5);

-- Fixture: organization, active connection, account act_920048, job 924800 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920048', p_job_id => 924800, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924800, p_id => 924801, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924800, p_id => 924802, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924800, p_id => 924803, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

create temp table claimed as select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.cancel_sync_job(924800, 'admin said stop', '2030-02-01 00:01Z'), 3, 'three chunks cancelled');
select row_eq($$select status::text, last_error, completed_at from meta_sync.sync_jobs where id = 924800$$,
  row('cancelled'::text, 'admin said stop'::text, '2030-02-01 00:01Z'::timestamptz), 'the job is cancelled');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 924800 and status = 'cancelled'), 3, 'all chunks cancelled');
select throws_like($$select meta_sync.complete_sync_chunk(924801, (select lease_token from claimed), p_now => '2030-02-01 00:02Z')$$,
  '%lease%', 'the running chunk can no longer complete');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 5, 600, '2030-02-01 00:02Z')), 0, 'nothing left to claim');

select * from finish();
rollback;
