begin;
select plan(3);

-- Fixture: organization, active connection, account act_920001, job 920100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920001', p_job_id => 920100, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920100, p_id => 920101, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920100, p_id => 920102, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920100, p_id => 920103, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

update meta_sync.sync_job_chunks set priority = 5 where id = 920101;
select is(
  (select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w1', 2, 120, '2030-02-01 00:00Z')),
  array[920102, 920103]::bigint[], 'lower priority value first, then run_after, then id');
select is(
  (select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w2', 5, 120, '2030-02-01 00:00Z')),
  array[920101]::bigint[], 'the rest goes to the next claimer');
select is(
  (select count(*)::int from meta_sync.claim_sync_chunks('w3', 5, 120, '2030-02-01 00:00Z')),
  0, 'nothing is claimed twice');

select * from finish();
rollback;
