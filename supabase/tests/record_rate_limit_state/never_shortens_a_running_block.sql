begin;
select plan(4);

-- Fixture: organization, active connection, account act_920063, job 926300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920063', p_job_id => 926300, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 0, p_job_created_at => '2030-02-01');

delete from meta_sync.meta_rate_limit_state where scope_type = 'ad_account' and scope_id = 'act_920063';
select meta_sync.record_rate_limit_state('ad_account', 'act_920063', 'ads_insights', 90, 20, 30, 15, '2030-02-01 00:15Z', 80004, '2030-02-01 00:00Z');
select meta_sync.record_rate_limit_state('ad_account', 'act_920063', 'ads_insights', 50, 20, 30, 5, '2030-02-01 00:05Z', null, '2030-02-01 00:01Z');
select row_eq($$select call_count_pct, blocked_until, last_throttle_code from meta_sync.meta_rate_limit_state where scope_id = 'act_920063'$$,
  row(50.00::numeric(6,2), '2030-02-01 00:15Z'::timestamptz, 80004), 'usage updated, the running block kept');
select meta_sync.record_rate_limit_state('ad_account', 'act_920063', 'ads_insights', 10, 1, 1, 0, null, null, '2030-02-01 00:20Z');
select is((select blocked_until from meta_sync.meta_rate_limit_state where scope_id = 'act_920063'), null::timestamptz,
  'a block that passed is replaced');
select throws_ok($$select meta_sync.record_rate_limit_state('galaxy', 'x', '', 1, 1, 1, 0, null, null)$$, '22023', null, 'unknown scope');
select is((select count(*)::int from meta_sync.meta_rate_limit_state where scope_id = 'act_920063'), 1, 'one row per scope and type');

select * from finish();
rollback;
