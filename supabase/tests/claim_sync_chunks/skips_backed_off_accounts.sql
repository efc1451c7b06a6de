begin;
select plan(2);

-- Fixture: organization, active connection, account act_920003, job 920300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920003',
  p_rate_limit_backoff_until => '2030-02-01 00:15Z', p_job_id => 920300, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920300, p_id => 920301, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920300, p_id => 920302, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920300, p_id => 920303, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:10Z')),
  0, 'an account in rate-limit backoff is skipped');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:15Z')),
  3, 'claimable again once the backoff has passed');

select * from finish();
rollback;
