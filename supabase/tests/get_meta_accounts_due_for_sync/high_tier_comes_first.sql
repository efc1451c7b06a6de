begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, phase_1_completed_at, next_sync_at) values
  ('act_5200001', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'low',    '2026-01-01', '2026-02-01 08:00Z'),
  ('act_5200002', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high',   '2026-01-01', '2026-02-01 11:00Z'),
  ('act_5200003', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', '2026-01-01', '2026-02-01 09:00Z'),
  ('act_5200004', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high',   '2026-01-01', '2026-02-01 10:00Z'),
  ('act_5200005', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', '2026-01-01', '2026-02-01 13:00Z');
select is(array(select account_id from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z')
                where account_id like 'act_52%'),
  array['act_5200004', 'act_5200002', 'act_5200003', 'act_5200001'],
  'high (most overdue first), then medium, then low; not-yet-due left out');
select is((select overdue_by from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200004'),
  interval '2 hours', 'overdue_by = p_now - next_sync_at');
select * from finish();
rollback;
