begin;
select plan(4);

-- Fixture: organization, active connection, account act_920025, job 922500 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account('act_920025');
-- Insights already fresh through the day before the job's range: the job extends it.
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  values ('act_920025', 'insights', '2029-12-31', '2030-01-01 00:00Z');
select meta_sync_tests.create_job('act_920025', p_id => 922500, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 2, p_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922500, p_id => 922501, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922500, p_id => 922502, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(922501, (select lease_token from meta_sync.sync_job_chunks where id = 922501), p_now => '2030-02-01 00:01Z');
select is(meta_sync.complete_sync_chunk(922502, (select lease_token from meta_sync.sync_job_chunks where id = 922502), p_now => '2030-02-01 00:02Z'),
  'completed'::meta_sync.job_status, 'the last chunk completes the job');
select row_eq($$select status::text, progress_percentage, completed_at from meta_sync.sync_jobs where id = 922500$$,
  row('completed'::text, 100.00::numeric(5,2), '2030-02-01 00:02Z'::timestamptz), 'job completed at 100 %');
select is((select last_meta_sync_at from meta_sync.meta_ad_accounts where id = 'act_920025'),
  '2030-02-01 00:02Z'::timestamptz, 'the scheduler recorded the success');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_920025' and dataset = 'insights'),
  '2030-01-21'::date, 'insights fresh through the job''s last day');

select * from finish();
rollback;
