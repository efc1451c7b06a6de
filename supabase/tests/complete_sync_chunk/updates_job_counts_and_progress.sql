begin;
select plan(3);

-- Fixture: organization, active connection, account act_920023, job 922300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920023', p_job_id => 922300, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922300, p_id => 922301, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922300, p_id => 922302, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922300, p_id => 922303, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.complete_sync_chunk(922301, (select lease_token from meta_sync.sync_job_chunks where id = 922301), 120, 4,
  '{"campaigns": 2, "adsets": 3, "ads": 5, "creatives": 7}', p_now => '2030-02-01 00:02Z'),
  'in_progress'::meta_sync.job_status, 'the job goes on');
select row_eq($$select status::text, rows_written, api_calls, actual_duration_seconds from meta_sync.sync_job_chunks where id = 922301$$,
  row('completed'::text, 120::bigint, 4, 120.000::numeric(12,3)), 'chunk completed with counts and duration');
select row_eq($$select completed_chunks, progress_percentage, insight_rows_written, api_calls, campaigns_synced, adsets_synced, ads_synced, creatives_synced from meta_sync.sync_jobs where id = 922300$$,
  row(1, 33.33::numeric(5,2), 120::bigint, 4, 2, 3, 5, 7), 'the job adds them up');

select * from finish();
rollback;
