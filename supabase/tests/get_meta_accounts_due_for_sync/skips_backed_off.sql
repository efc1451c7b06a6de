begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, phase_1_completed_at, next_sync_at) values ('act_5200011', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', '2026-01-01', '2026-02-01 08:00Z');
update meta_sync.meta_ad_accounts set rate_limit_backoff_until = '2026-02-01 12:30Z' where id = 'act_5200011';
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200011'),
  0, 'backed off at p_now: skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:31Z') where account_id = 'act_5200011'),
  1, 'after the backoff: due');
select * from finish();
rollback;
