begin;
select plan(3);

-- Fixture: organization, active connection, account act_920064, job 926400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920064', p_job_id => 926400, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 0, p_job_created_at => '2030-02-01');

select meta_sync.record_rate_limit_state('ad_account', 'act_920064', 'a', 95, 1, 1, 60, '2030-02-01 02:00Z', 80004, '2030-02-01 00:00Z');
select meta_sync.record_rate_limit_state('ad_account', 'act_920064', 'b', 5, 1, 1, 0, null, null, '2030-02-01 00:00Z');
select is((select count(*)::int from meta_sync.get_rate_limit_state('2030-02-01 00:30Z') where scope_id = 'act_920064'), 2,
  'recent observations are relevant');
select is((select array_agg(usage_type) from meta_sync.get_rate_limit_state('2030-02-01 01:30Z') where scope_id = 'act_920064'), array['a'],
  'after an hour only the running block');
select is((select count(*)::int from meta_sync.get_rate_limit_state('2030-02-01 02:00Z') where scope_id = 'act_920064'), 0,
  'nothing once the block passed');

select * from finish();
rollback;
