begin;
select plan(3);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, phase_1_completed_at, next_sync_at, last_settle_at)
  values ('act_5700021', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', '2026-01-01', '2026-02-03 08:00Z', '2026-02-01 12:00Z');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-02 11:59Z') where account_id = 'act_5700021'),
  array[]::text[], 'settled less than a day ago: nothing');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-02 12:00Z') where account_id = 'act_5700021'),
  array['settle'], 'a day later: a settle job');
select is((select (date_since, date_until)::text from meta_sync.sync_jobs where account_id = 'act_5700021'),
  ('2026-01-05', '2026-02-01')::text, 'the 28 days before today');
select * from finish();
rollback;
