begin;
select plan(3);

-- Fixture: organization, active connection, account act_920033, job 923300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920033', p_job_id => 923300, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 2, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(923300, p_id => 923301, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(923300, p_id => 923302, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(923301, (select lease_token from meta_sync.sync_job_chunks where id = 923301), 'boom', false, p_now => '2030-02-01 00:01Z');
select meta_sync.fail_sync_chunk(923302, (select lease_token from meta_sync.sync_job_chunks where id = 923302), 'boom 2', false, p_now => '2030-02-01 00:02Z');
select is((select status::text from meta_sync.sync_jobs where id = 923300), 'failed', 'every chunk failed: job failed');
select is((select sync_error_count from meta_sync.meta_ad_accounts where id = 'act_920033'), 1, 'the scheduler recorded an error');
select is((select last_sync_error from meta_sync.meta_ad_accounts where id = 'act_920033'), 'boom 2', 'with the last message');

select * from finish();
rollback;
