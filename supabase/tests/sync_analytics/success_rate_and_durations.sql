begin;
select plan(4);

-- Fixture: organization, active connection, account act_920062, job 926200 (incremental) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account('act_920062');
select meta_sync_tests.create_job('act_920062', p_id => 926200, p_sync_phase => 'incremental',
  p_date_since => '2030-01-01', p_date_until => '2030-01-21', p_total_chunks => 0,
  p_created_at => '2030-02-01');

-- The fixture job (open) and two finished incremental jobs of this low-tier account: 10 and 30 minutes.
update meta_sync.meta_ad_accounts set meta_sync_priority = 'low' where id = 'act_920062';
update meta_sync.sync_jobs set created_at = now() where id = 926200;
select meta_sync_tests.create_job('act_920062', p_sync_phase => 'settle', p_status => 'completed',
  p_total_chunks => 1, p_completed_chunks => 1, p_failed_chunks => 0, p_insight_rows_written => 1000,
  p_api_calls => 4, p_created_at => now(), p_started_at => now() - interval '10 minutes',
  p_completed_at => now());
select meta_sync_tests.create_job('act_920062', p_sync_phase => 'settle', p_status => 'completed_with_errors',
  p_total_chunks => 2, p_completed_chunks => 1, p_failed_chunks => 1, p_insight_rows_written => 1000,
  p_api_calls => 6, p_created_at => now(), p_started_at => now() - interval '30 minutes',
  p_completed_at => now());
select meta_sync_tests.create_job('act_920062', p_sync_phase => 'settle', p_status => 'failed',
  p_total_chunks => 1, p_completed_chunks => 0, p_failed_chunks => 1, p_insight_rows_written => 0,
  p_api_calls => 2, p_created_at => now() - interval '8 days', p_started_at => now() - interval '8 days',
  p_completed_at => now() - interval '8 days');
select row_eq($$select jobs, completed, completed_with_errors, failed from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'$$,
  row(2::bigint, 1::bigint, 1::bigint, 0::bigint), 'jobs of the last 7 days by outcome');
select is((select success_rate_pct from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'), 50.00,
  'completed / finished');
select row_eq($$select median_duration_seconds, p95_duration_seconds from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'$$,
  row(1200::float8, 1740::float8), 'median and p95 duration');
select is((select api_calls_per_1000_rows from meta_sync.sync_analytics where tier = 'low' and sync_phase = 'settle'), 5.00,
  'api calls per 1 000 rows');

select * from finish();
rollback;
