-- Phase 1's first insights chunk is the newest phase_1_first_chunk_days (1) alone: the first rows
-- a user sees cost one page. The rest keeps phase_1_chunk_days (7), no gap, no overlap.
begin;
select plan(6);
select meta_sync_tests.create_account('act_5400004', p_created_time => '2015-01-01');
select meta_sync.start_account_onboarding('act_5400004', '2026-02-01 12:00Z') as job \gset
select is((select (date_since, date_until)::text from meta_sync.sync_job_chunks where job_id = :job and chunk_order = 1),
  ('2026-02-01', '2026-02-01')::text, 'chunk 1 is today alone');
select is((select depends_on_chunk_id from meta_sync.sync_job_chunks where job_id = :job and chunk_order = 1), null,
  'and waits for no structure chunk');
select is((select (date_since, date_until)::text from meta_sync.sync_job_chunks where job_id = :job and chunk_order = 2),
  ('2026-01-25', '2026-01-31')::text, 'chunk 2 is the week before');
select is((select sum(date_until - date_since + 1)::int from meta_sync.sync_job_chunks where job_id = :job and chunk_type = 'insights'),
  90, 'the 90 days, each once');
select is((select count(*)::int from meta_sync.sync_job_chunks a join meta_sync.sync_job_chunks b
           on b.job_id = a.job_id and b.chunk_order = a.chunk_order + 1
           where a.job_id = :job and a.chunk_type = 'insights' and b.date_until <> a.date_since - 1), 0,
  'each chunk ends the day before the next newer one starts');

update meta_sync.sync_planner_settings set phase_1_first_chunk_days = 3;
select meta_sync_tests.create_account('act_5400005', p_created_time => '2015-01-01');
select meta_sync.start_account_onboarding('act_5400005', '2026-02-01 12:00Z') as job3 \gset
select is((select (date_since, date_until)::text from meta_sync.sync_job_chunks where job_id = :job3 and chunk_order = 1),
  ('2026-01-30', '2026-02-01')::text, 'the setting decides its length');
select * from finish();
rollback;
