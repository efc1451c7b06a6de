-- A manual re-read is cut like the scheduled jobs: live ads x days against
-- sync_planner_settings.insights_rows_per_chunk (500). A 6-ad account's 60 days (360 rows) are
-- one insights chunk (one call); while the ads are unknown, phase_1_chunk_days (7) days a chunk.
begin;
select plan(3);
select meta_sync_tests.create_organization('5d000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_59100' || n, p_organization_id => '5d000000-0000-0000-0000-000000000001')
from generate_series(1, 2) n;
-- act_591001: structure read, 6 live ads; act_591002: structure never read.
insert into meta_sync.meta_ads (id, account_id, effective_status, raw)
  select (3000 + n)::text, 'act_591001', 'ACTIVE', '{}' from generate_series(1, 6) n;
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  values ('act_591001', 'structure', '2026-02-01', '2026-02-01 00:00Z');

create function pg_temp.insights_chunks(p_account text) returns text language sql as $$
  select string_agg(c.date_since || '..' || c.date_until, ' ' order by c.chunk_order)
  from meta_sync.sync_job_chunks c join meta_sync.sync_jobs j on j.id = c.job_id
  where j.account_id = p_account and j.sync_phase = 'manual' and c.chunk_type = 'insights'
$$;
select meta_sync.request_manual_sync('act_59100' || n, '2025-11-01', '2025-12-30', 'admin', '2026-02-02 12:00Z')
from generate_series(1, 2) n;

select is(pg_temp.insights_chunks('act_591001'), '2025-11-01..2025-12-30', '6 ads x 60 days = 360 rows: one chunk');
select is((select total_chunks from meta_sync.sync_jobs where account_id = 'act_591001'), 2, 'structure + one insights chunk');
select is((select count(*)::integer from meta_sync.sync_job_chunks where account_id = 'act_591002' and chunk_type = 'insights'), 9,
  'ads unknown: 60 days in chunks of 7 days');

select * from finish();
rollback;
