begin;
select plan(7);

-- Fixture: organization, active connection, account act_920052, job 925200 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920052', p_timezone_name => 'America/Los_Angeles',
  p_job_id => 925200, p_job_status => 'completed', p_date_since => '2030-01-01', p_date_until => '2030-01-21',
  p_total_chunks => 0, p_job_created_at => '2030-02-01');

select throws_ok($$select meta_sync.request_manual_sync('12345', '2030-01-01', '2030-01-02', null, '2030-02-01 00:00Z')$$,
  '22007', null, 'malformed account id');
select throws_ok($$select meta_sync.request_manual_sync('act_999999999999', '2030-01-01', '2030-01-02', null, '2030-02-01 00:00Z')$$,
  'P0002', null, 'unknown account');
select throws_ok($$select meta_sync.request_manual_sync('act_920052', '2030-01-03', '2030-01-02', null, '2030-02-01 00:00Z')$$,
  '22023', null, 'since after until');
-- 2030-02-01 05:00 UTC is still 2030-01-31 in Los Angeles.
select throws_like($$select meta_sync.request_manual_sync('act_920052', '2030-01-30', '2030-02-01', null, '2030-02-01 05:00Z')$$,
  '%future%', 'until in the future in the account time zone');
select throws_like($$select meta_sync.request_manual_sync('act_920052', '2026-12-01', '2027-01-01', null, '2030-02-01 05:00Z')$$,
  '%months back%', 'more than 37 months back');
select lives_ok($$select meta_sync.request_manual_sync('act_920052', '2030-01-30', '2030-01-31', null, '2030-02-01 05:00Z')$$,
  'yesterday and today in the account time zone are fine');
select is((select count(*)::int from meta_sync.sync_jobs where account_id = 'act_920052'), 2, 'only the valid request made a job');

select * from finish();
rollback;
