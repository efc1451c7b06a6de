begin;
select plan(4);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_connections (id, organization_id, label, token_ciphertext, token_key_id, status)
  values ('5c000000-0000-0000-0000-0000000000c2', '5c000000-0000-0000-0000-000000000001', 'dead', '\x00', 'k1', 'expired');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, phase_1_completed_at, next_sync_at) values
  ('act_5200021', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', '2026-01-01', '2026-02-01 08:00Z'),
  ('act_5200022', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', '2026-01-01', '2026-02-01 08:00Z'),
  ('act_5200023', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', '2026-01-01', '2026-02-01 08:00Z'),
  ('act_5200024', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', '2026-01-01', '2026-02-01 08:00Z');
update meta_sync.meta_ad_accounts set paused = true where id = 'act_5200021';
update meta_sync.meta_ad_accounts set connection_id = '5c000000-0000-0000-0000-0000000000c2' where id = 'act_5200022';
insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type)
  values ('act_5200023', '5c000000-0000-0000-0000-000000000001', 'incremental', 'incremental');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200021'), 0, 'paused skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200022'), 0, 'expired connection skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200023'), 0, 'open incremental job skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200024'), 1, 'the healthy one is due');
select * from finish();
rollback;
