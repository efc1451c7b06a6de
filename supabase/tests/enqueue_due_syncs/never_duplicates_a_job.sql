begin;
select plan(4);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5700011',
  p_organization_id => '5c000000-0000-0000-0000-000000000001', p_phase_1_completed_at => '2026-01-01',
  p_next_sync_at => '2026-02-01 08:00Z', p_last_settle_at => '2026-02-01 08:00Z');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-01 12:00Z') where account_id = 'act_5700011'),
  array['incremental'], 'a due account gets an incremental job');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-01 12:00Z') where account_id = 'act_5700011'),
  array[]::text[], 'called again: nothing');
select is((select count(*)::int from meta_sync.sync_jobs where account_id = 'act_5700011'), 1, 'one job');
select is((select (total_chunks, organization_id)::text from meta_sync.sync_jobs where account_id = 'act_5700011'),
  (2, '5c000000-0000-0000-0000-000000000001'::uuid)::text, 'total_chunks and organization filled');
select * from finish();
rollback;
