begin;
select plan(5);

-- Fixture: organization, active connection, account act_920021, job 922100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920021', p_job_id => 922100, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 1, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922100, p_id => 922101, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');

create temp table first_claim as select * from meta_sync.claim_sync_chunks('w1', 1, 60, '2030-02-01 00:00Z');
select throws_ok($$select meta_sync.complete_sync_chunk(922101, (select lease_token from first_claim), 10, p_now => '2030-02-01 00:01Z')$$,
  '55000', null, 'refused once the lease has expired');
select meta_sync.requeue_expired_leases('2030-02-01 00:01Z');
select is((select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w2', 1, 60, '2030-02-01 00:01Z')),
  array[922101]::bigint[], 'another worker gets the chunk');
select throws_like($$select meta_sync.complete_sync_chunk(922101, (select lease_token from first_claim), 10, p_now => '2030-02-01 00:01:10Z')$$,
  '%lease%', 'the first worker is refused with a lease error');
select row_eq($$select status::text, locked_by, rows_written from meta_sync.sync_job_chunks where id = 922101$$,
  row('in_progress'::text, 'w2'::text, 0::bigint), 'nothing changed: w2 still owns it');
select is((select completed_chunks from meta_sync.sync_jobs where id = 922100), 0, 'the job counted nothing');

select * from finish();
rollback;
