begin;
select plan(3);
select meta_sync_tests.create_account('act_5700021', p_phase_1_completed_at => '2026-01-01',
  p_next_sync_at => '2026-02-03 08:00Z', p_last_settle_at => '2026-02-01 12:00Z');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-02 11:59Z') where account_id = 'act_5700021'),
  array[]::text[], 'settled less than a day ago: nothing');
select is(array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, '2026-02-02 12:00Z') where account_id = 'act_5700021'),
  array['settle'], 'a day later: a settle job');
select is((select (date_since, date_until)::text from meta_sync.sync_jobs where account_id = 'act_5700021'),
  ('2026-01-05', '2026-02-01')::text, 'the 28 days before today');
select * from finish();
rollback;
