begin;
select plan(4);

-- Fixture: organization, active connection, account act_920007, job 920700 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920007', p_job_id => 920700, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 4, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920700, p_id => 920701, p_chunk_type => 'structure', p_chunk_order => 0,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920700, p_id => 920702, p_depends_on_chunk_id => 920701,
  p_date_since => '2030-01-21'::date - 6, p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920700, p_id => 920703, p_depends_on_chunk_id => 920701,
  p_date_since => '2030-01-21'::date - 13, p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920700, p_id => 920704, p_depends_on_chunk_id => 920701,
  p_date_since => '2030-01-21'::date - 20, p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3,
  p_priority => 0, p_run_after => '2030-02-01');

select is((select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  array[920701]::bigint[], 'only the structure chunk while it is pending');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  0, 'insights wait while their structure chunk runs');
select is(meta_sync.complete_sync_chunk(920701, (select lease_token from meta_sync.sync_job_chunks where id = 920701), p_now => '2030-02-01 00:01Z'),
  'in_progress'::meta_sync.job_status, 'structure completed');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:01Z')),
  3, 'then the insights chunks are claimable');

select * from finish();
rollback;
