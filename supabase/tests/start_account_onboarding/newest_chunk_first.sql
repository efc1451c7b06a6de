begin;
select plan(5);
select meta_sync_tests.create_account('act_5400001', p_created_time => '2015-01-01');
select meta_sync.start_account_onboarding('act_5400001', '2026-02-01 12:00Z') as job \gset
select is((select (sync_phase, sync_type, date_since, date_until)::text from meta_sync.sync_jobs where id = :job),
  ('recent_window', 'initial', '2025-11-04', '2026-02-01')::text, 'phase 1 covers the last 90 days ending today');
select is((select chunk_type::text from meta_sync.sync_job_chunks where job_id = :job and chunk_order = 0), 'structure', 'structure chunk first, no dates');
select is((select date_until from meta_sync.sync_job_chunks where job_id = :job and chunk_order = 1), '2026-02-01'::date, 'insights chunk 1 ends today');
select is(array(select id from meta_sync.sync_job_chunks where job_id = :job and chunk_type = 'insights' order by date_since desc),
          array(select id from meta_sync.sync_job_chunks where job_id = :job and chunk_type = 'insights' order by chunk_order),
  'newest first in chunk_order and in id (the claim tie-breaker)');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = :job and chunk_type = 'insights'
           and depends_on_chunk_id = (select id from meta_sync.sync_job_chunks where job_id = :job and chunk_type = 'structure')),
  (select total_chunks - 2 from meta_sync.sync_jobs where id = :job),
  'every insights chunk but the newest (read beside the structure) waits for the structure chunk; total_chunks filled');
select * from finish();
rollback;
