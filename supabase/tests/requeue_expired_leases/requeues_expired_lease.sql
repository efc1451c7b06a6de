begin;
select plan(4);

-- Fixture: organization, active connection, account act_920046, job 924600 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920046', p_job_id => 924600, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924600, p_id => 924601, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924600, p_id => 924602, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924600, p_id => 924603, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 60, '2030-02-01 00:00Z');
select meta_sync.heartbeat_sync_chunks('w1', array[924602], 120, '2030-02-01 00:00:30Z');
select is(meta_sync.requeue_expired_leases('2030-02-01 00:00:59Z'), 0, 'nothing before expiry');
select is(meta_sync.requeue_expired_leases('2030-02-01 00:01Z'), 1, 'the expired lease is reaped, the extended one kept');
select row_eq($$select status::text, retry_count, locked_by, lease_token, run_after from meta_sync.sync_job_chunks where id = 924601$$,
  row('pending'::text, 1, null::text, null::uuid, '2030-02-01 00:01Z'::timestamptz), 'pending again with a retry counted');
select is((select status::text from meta_sync.sync_job_chunks where id = 924602), 'in_progress', 'the heartbeated chunk keeps running');

select * from finish();
rollback;
