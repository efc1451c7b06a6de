begin;
select plan(4);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, phase_1_completed_at, next_sync_at, last_settle_at)
  values ('act_5700011', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'medium', '2026-01-01', '2026-02-01 08:00Z', '2026-02-01 08:00Z');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-01 12:00Z') where account_id = 'act_5700011'),
  array['incremental'], 'a due account gets an incremental job');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-01 12:00Z') where account_id = 'act_5700011'),
  array[]::text[], 'called again: nothing');
select is((select count(*)::int from meta_sync.sync_jobs where account_id = 'act_5700011'), 1, 'one job');
select is((select (total_chunks, organization_id)::text from meta_sync.sync_jobs where account_id = 'act_5700011'),
  (2, '5c000000-0000-0000-0000-000000000001'::uuid)::text, 'total_chunks and organization filled');
select * from finish();
rollback;
