begin;
select plan(1);

-- Fixture: organization, active connection, account act_920030, job 923000 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920030', p_job_id => 923000, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 1, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(923000, p_id => 923001, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(923001, (select lease_token from meta_sync.sync_job_chunks where id = 923001), 'throttled', true, '2030-02-01 00:20Z', '2030-02-01 00:00Z');
select is((select run_after from meta_sync.sync_job_chunks where id = 923001), '2030-02-01 00:20Z'::timestamptz,
  'Meta''s retry time wins over a shorter backoff');

select * from finish();
rollback;
