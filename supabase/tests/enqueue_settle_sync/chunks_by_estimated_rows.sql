-- The settle job (28 days) is cut by estimated rows = live ads x days: one chunk when that fits
-- sync_planner_settings.insights_rows_per_chunk (500), else chunks of the most days that fit
-- (at least 1); ads unknown (structure never read) -> settle_chunk_days (7). Newest first.
begin;
select plan(7);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_59000' || n, p_organization_id => '5c000000-0000-0000-0000-000000000001',
  p_phase_1_completed_at => '2026-01-01')
from generate_series(1, 4) n;
-- act_590001: 10 live ads and 100 deleted ones; act_590002: 40 live ads; act_590003: structure
-- read, no ads; act_590004: structure never read.
insert into meta_sync.meta_ads (id, account_id, effective_status, raw)
  select (1000 + n)::text, 'act_590001', case when n <= 10 then 'ACTIVE' else 'DELETED' end, '{}' from generate_series(1, 110) n;
insert into meta_sync.meta_ads (id, account_id, effective_status, raw)
  select (2000 + n)::text, 'act_590002', 'PAUSED', '{}' from generate_series(1, 40) n;
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  select 'act_59000' || n, 'structure', '2026-02-01', '2026-02-01 00:00Z' from generate_series(1, 3) n;

create function pg_temp.chunks(p_account text) returns text language sql as $$
  select string_agg(c.date_since || '..' || c.date_until, ' ' order by c.chunk_order)
  from meta_sync.sync_job_chunks c join meta_sync.sync_jobs j on j.id = c.job_id
  where j.account_id = p_account and j.sync_phase = 'settle'
$$;
select meta_sync.enqueue_settle_sync('act_59000' || n, '2026-02-02 12:00Z') from generate_series(1, 4) n;

select is(pg_temp.chunks('act_590001'), '2026-01-05..2026-02-01',
  '10 live ads x 28 days = 280 rows: one chunk (deleted ads do not count)');
select is(pg_temp.chunks('act_590002'), '2026-01-21..2026-02-01 2026-01-09..2026-01-20 2026-01-05..2026-01-08',
  '40 ads x 28 days = 1120 rows: chunks of 12 days (480 rows), newest first');
select is(pg_temp.chunks('act_590003'), '2026-01-05..2026-02-01', 'no ads: one chunk');
select is(pg_temp.chunks('act_590004'), '2026-01-26..2026-02-01 2026-01-19..2026-01-25 2026-01-12..2026-01-18 2026-01-05..2026-01-11',
  'ads unknown: settle_chunk_days (7)');
select is((select total_chunks from meta_sync.sync_jobs where account_id = 'act_590002' and sync_phase = 'settle'), 3,
  'total_chunks follows');

update meta_sync.sync_planner_settings set insights_rows_per_chunk = 20;
update meta_sync.sync_jobs set status = 'cancelled' where account_id in ('act_590001', 'act_590002');
delete from meta_sync.sync_job_chunks where account_id in ('act_590001', 'act_590002');
select meta_sync.enqueue_settle_sync('act_590001', '2026-02-03 12:00Z');
select meta_sync.enqueue_settle_sync('act_590002', '2026-02-03 12:00Z');
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_590001'), 14,
  'the setting is read: 20 rows / 10 ads = 2 days per chunk');
select is((select min(date_until - date_since + 1) from meta_sync.sync_job_chunks where account_id = 'act_590002'), 1,
  'more ads than rows per chunk: one day per chunk');
select * from finish();
rollback;
