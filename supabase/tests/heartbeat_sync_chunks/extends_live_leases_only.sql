begin;
select plan(4);

-- Fixture: organization, active connection, account act_920010, job 921000 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920010', p_job_id => 921000, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(921000, p_id => 921001, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(921000, p_id => 921002, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(921000, p_id => 921003, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 60, '2030-02-01 00:00Z');
select is((select array_agg(x order by x) from meta_sync.heartbeat_sync_chunks('w1', array[921001, 921002], 60, '2030-02-01 00:00:30Z') as x),
  array[921001, 921002]::bigint[], 'live leases are extended');
select is((select locked_until from meta_sync.sync_job_chunks where id = 921001), '2030-02-01 00:01:30Z'::timestamptz,
  'to p_now + lease');
select is((select count(*)::int from meta_sync.heartbeat_sync_chunks('w2', array[921001], 60, '2030-02-01 00:00:40Z')),
  0, 'another worker cannot extend them');
select is((select count(*)::int from meta_sync.heartbeat_sync_chunks('w1', array[921001], 60, '2030-02-01 00:01:30Z')),
  0, 'an expired lease is lost, not extended');

select * from finish();
rollback;
