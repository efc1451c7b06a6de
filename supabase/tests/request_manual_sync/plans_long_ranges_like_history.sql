-- A long manual range is planned from what the account really has: its stored rows per day
-- (not live ads x days), only the days since the account was created, and periods at least as
-- long as phase 2's (90 days), which the worker reads as async report runs like phase 2's.
begin;
select plan(4);
-- Created 2025-02-01; 1 000 live ads, but only 180 of them deliver on a day.
select meta_sync_tests.create_account('act_592001', p_created_time => '2025-02-01 09:00Z');
insert into meta_sync.meta_ads (id, account_id, effective_status, raw)
  select (40000 + n)::text, 'act_592001', 'ACTIVE', '{}' from generate_series(1, 1000) n;
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  values ('act_592001', 'structure', '2026-02-01', '2026-02-01 00:00Z');
insert into meta_sync.meta_insights_daily (ad_id, account_id, campaign_id, adset_id, date)
  select (40000 + a)::text, 'act_592001', '1', '2', d::date
  from generate_series(1, 180) a, generate_series('2026-01-05'::date, '2026-02-01'::date, '1 day') d;

create function pg_temp.insights_chunks() returns table (since date, until date) language sql as $$
  select c.date_since, c.date_until
  from meta_sync.sync_job_chunks c join meta_sync.sync_jobs j on j.id = c.job_id
  where j.account_id = 'act_592001' and j.sync_phase = 'manual' and c.chunk_type = 'insights'
  order by c.chunk_order
$$;
select meta_sync.request_manual_sync('act_592001', '2023-04-01', '2026-02-01', 'admin', '2026-02-02 12:00Z');

select is((select min(since) from pg_temp.insights_chunks()), '2025-02-01'::date,
  'nothing is planned before the account was created');
select is((select max(until) from pg_temp.insights_chunks()), '2026-02-01'::date, 'the range ends at until');
select is((select count(*)::integer from pg_temp.insights_chunks()), 5,
  '366 days in periods of 90 days (180 rows a day x 90 = 16 200 rows: an async report run each), not 366 one-day chunks');
select is((select sum(until - since + 1)::integer from pg_temp.insights_chunks()), 366,
  'the chunks cover every day once');

select * from finish();
rollback;
