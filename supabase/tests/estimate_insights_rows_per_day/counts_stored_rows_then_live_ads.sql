-- Rows per day: the stored rows of the latest 28 days once any are stored; live ads before;
-- NULL while nothing is known.
begin;
select plan(3);
select meta_sync_tests.create_organization('5f000000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_59300' || n, p_organization_id => '5f000000-0000-0000-0000-000000000001')
from generate_series(1, 3) n;
insert into meta_sync.meta_ads (id, account_id, effective_status, raw)
  select (50000 + n)::text, 'act_59300' || (1 + n % 2), 'ACTIVE', '{}' from generate_series(1, 40) n;
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  values ('act_593001', 'structure', '2026-02-01', '2026-02-01 00:00Z'),
         ('act_593002', 'structure', '2026-02-01', '2026-02-01 00:00Z');
-- act_593001: 10 rows a day for 28 days, an older day with 500 rows (outside the window) and
-- a row under another attribution setting (not counted).
insert into meta_sync.meta_insights_daily (ad_id, account_id, campaign_id, adset_id, date)
  select (50000 + a)::text, 'act_593001', '1', '2', d::date
  from generate_series(1, 10) a, generate_series('2026-01-05'::date, '2026-02-01'::date, '1 day') d;
insert into meta_sync.meta_insights_daily (ad_id, account_id, campaign_id, adset_id, date, attribution_setting)
  values ('50001', 'act_593001', '1', '2', '2026-02-01', '7d_click');
insert into meta_sync.meta_insights_daily (ad_id, account_id, campaign_id, adset_id, date)
  select (60000 + a)::text, 'act_593001', '1', '2', '2025-06-01' from generate_series(1, 500) a;

select is(meta_sync.estimate_insights_rows_per_day('act_593001'), 10::numeric, 'stored rows: 280 rows over 28 days');
select is(meta_sync.estimate_insights_rows_per_day('act_593002'), 20::numeric, 'nothing stored: the 20 live ads');
select is(meta_sync.estimate_insights_rows_per_day('act_593003'), null, 'nothing known: NULL');

select * from finish();
rollback;
