-- An incremental job over a long range (after a pause) is one chunk when live ads x days fits
-- insights_rows_per_chunk (500), else chunks of the most days that fit; ads unknown ->
-- incremental_chunk_days (14).
begin;
select plan(3);
select meta_sync_tests.create_organization('5c000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_59100' || n, p_organization_id => '5c000000-0000-0000-0000-000000000001',
  p_phase_1_completed_at => '2025-12-01')
from generate_series(1, 3) n;
-- Fresh through 2025-12-02: the range is 2025-12-03 .. 2026-02-01, 61 days.
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  select 'act_59100' || n, 'insights', '2025-12-02', '2025-12-02 12:00Z' from generate_series(1, 3) n;
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  select 'act_59100' || n, 'structure', '2025-12-02', '2025-12-02 12:00Z' from generate_series(1, 2) n;
insert into meta_sync.meta_ads (id, account_id, effective_status, raw)
  select (3000 + n)::text, 'act_591001', 'ACTIVE', '{}' from generate_series(1, 8) n;
insert into meta_sync.meta_ads (id, account_id, effective_status, raw)
  select (4000 + n)::text, 'act_591002', 'ACTIVE', '{}' from generate_series(1, 25) n;

create function pg_temp.chunk_days(p_account text) returns int[] language sql as $$
  select array_agg(c.date_until - c.date_since + 1 order by c.chunk_order)
  from meta_sync.sync_job_chunks c join meta_sync.sync_jobs j on j.id = c.job_id
  where j.account_id = p_account and j.sync_phase = 'incremental' and c.chunk_type = 'insights'
$$;
select meta_sync.enqueue_incremental_sync('act_59100' || n, '2026-02-01 12:00Z') from generate_series(1, 3) n;

select is(pg_temp.chunk_days('act_591001'), array[61], '8 ads x 61 days = 488 rows: one chunk');
select is(pg_temp.chunk_days('act_591002'), array[20, 20, 20, 1], '25 ads: 20-day chunks (500 rows)');
select is(pg_temp.chunk_days('act_591003'), array[14, 14, 14, 14, 5], 'ads unknown: incremental_chunk_days (14)');
select * from finish();
rollback;
