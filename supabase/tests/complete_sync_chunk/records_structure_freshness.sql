begin;
select plan(1);

-- Fixture: organization, active connection, account act_920027, job 922700 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920027', p_job_id => 922700, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 4, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922700, p_id => 922701, p_chunk_type => 'structure', p_chunk_order => 0,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922700, p_id => 922702, p_depends_on_chunk_id => 922701,
  p_date_since => '2030-01-21'::date - 6, p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922700, p_id => 922703, p_depends_on_chunk_id => 922701,
  p_date_since => '2030-01-21'::date - 13, p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922700, p_id => 922704, p_depends_on_chunk_id => 922701,
  p_date_since => '2030-01-21'::date - 20, p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3,
  p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(922701, (select lease_token from meta_sync.sync_job_chunks where id = 922701), p_entity_counts => '{"campaigns": 1}', p_now => '2030-02-01 00:05Z');
select is((select synced_at from meta_sync.data_freshness where account_id = 'act_920027' and dataset = 'structure'),
  '2030-02-01 00:00Z'::timestamptz, 'structure synced as of when its read started');

select * from finish();
rollback;
