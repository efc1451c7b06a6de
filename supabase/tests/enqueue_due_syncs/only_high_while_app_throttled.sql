begin;
select plan(3);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5700001',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_meta_sync_priority => 'high');
select meta_sync_tests.create_account('act_5700002',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_meta_sync_priority => 'low');
insert into meta_sync.meta_rate_limit_state (scope_type, scope_id, blocked_until, observed_at)
  values ('app', 'sched-test', '2026-02-01 13:00Z', '2026-02-01 11:00Z')
  on conflict (scope_type, scope_id, usage_type) do update set blocked_until = excluded.blocked_until;
select is(array(select account_id from meta_sync.enqueue_due_syncs(1000, '2026-02-01 12:00Z') where account_id like 'act_57%'),
  array['act_5700001'], 'throttled: only the high account');
select is(array(select account_id from meta_sync.enqueue_due_syncs(1000, '2026-02-01 13:01Z') where account_id like 'act_57%'),
  array['act_5700002'], 'after the block: the low one too');
select is((select count(*)::int from meta_sync.sync_jobs where account_id like 'act_57%'), 2, 'one job each');
select * from finish();
rollback;
