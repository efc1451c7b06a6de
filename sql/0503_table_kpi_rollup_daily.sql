-- The default insights rows summed per ad set, campaign and account and day, kept in step with
-- meta_insights_daily by its statement triggers (sql/0504): what kpi_daily and kpi_summary read
-- above the ad level, so a 90-day campaign query reads one row per campaign and day.

create table meta_sync.kpi_rollup_daily (
  account_id   meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  level        text not null constraint kpi_rollup_level_known check (level in ('adset', 'campaign', 'account')),
  date         date not null,
  entity_id    text not null,
  currency     text,
  spend        numeric not null,
  impressions  bigint not null,
  clicks       bigint not null,
  link_clicks  bigint not null,
  conversions  numeric not null,
  revenue      numeric not null,
  ad_rows      integer not null,
  primary key (account_id, level, date, entity_id)
);
comment on table meta_sync.kpi_rollup_daily is
  'Sums of the default rows (breakdown_key '''', attribution_setting ''default'') of meta_insights_daily per level (adset, campaign, account), entity and day; money in currency (the account currency, major units). Maintained by the statement triggers of meta_insights_daily (refresh_kpi_rollup): never write it directly. Read kpi_daily instead.';
comment on column meta_sync.kpi_rollup_daily.ad_rows is 'Ad-day rows summed into this row.';

create policy members_read_kpi_rollup on meta_sync.kpi_rollup_daily
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));
grant select on meta_sync.kpi_rollup_daily to authenticated;
-- The worker writes it through the triggers of the facts it writes (security invoker).
grant select, insert, update, delete on meta_sync.kpi_rollup_daily to meta_sync_worker;

select meta_sync.secure_schema();
