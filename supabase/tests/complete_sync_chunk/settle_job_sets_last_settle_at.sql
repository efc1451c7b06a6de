begin;
select plan(2);

-- Fixture: organization, active connection, account act_920028, job 922800 (settle) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920028', p_job_id => 922800, p_sync_phase => 'settle',
  p_date_since => '2030-01-01', p_date_until => '2030-01-21', p_total_chunks => 1,
  p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922800, p_id => 922801, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.complete_sync_chunk(922801, (select lease_token from meta_sync.sync_job_chunks where id = 922801), p_now => '2030-02-01 00:03Z'),
  'completed'::meta_sync.job_status, 'the settle job completes');
select is((select last_settle_at from meta_sync.meta_ad_accounts where id = 'act_920028'),
  '2030-02-01 00:03Z'::timestamptz, 'last_settle_at is set');

select * from finish();
rollback;
