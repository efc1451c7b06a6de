begin;
select plan(3);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, timezone_name, created_time) values ('act_5700001', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', 'UTC', null), ('act_5700002', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'low', 'UTC', null);
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
