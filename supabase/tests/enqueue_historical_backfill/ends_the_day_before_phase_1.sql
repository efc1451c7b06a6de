begin;
select plan(4);
select meta_sync_tests.create_account('act_5500001', p_created_time => '2025-01-10');
select meta_sync.start_account_onboarding('act_5500001', '2026-02-01 12:00Z') as p1 \gset
select meta_sync.enqueue_historical_backfill('act_5500001', '2026-02-01 13:00Z') as p2 \gset
select is((select (sync_phase, date_since, date_until)::text from meta_sync.sync_jobs where id = :p2),
  ('historical_backfill', '2025-01-10', '2025-11-03')::text, 'from creation day to the day before phase 1');
select is((select date_since - 1 from meta_sync.sync_jobs where id = :p1), '2025-11-03'::date, 'no gap, no overlap with phase 1');
select is(array(select (date_since, date_until)::text from meta_sync.sync_job_chunks where job_id = :p2 order by chunk_order),
  array[('2025-08-06', '2025-11-03')::text, ('2025-05-08', '2025-08-05')::text, ('2025-02-07', '2025-05-07')::text, ('2025-01-10', '2025-02-06')::text],
  '90-day periods, newest first');
select is((select priority from meta_sync.sync_job_chunks where job_id = :p2 limit 1), meta_sync.chunk_priority('historical_backfill', 'medium'), 'backfill priority');
select * from finish();
rollback;
