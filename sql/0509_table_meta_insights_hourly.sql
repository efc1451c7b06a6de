-- Ad-level hourly performance: hours of the account's time zone, as Meta's
-- hourly_stats_aggregated_by_advertiser_time_zone breakdown reports them.

create table meta_sync.meta_insights_hourly (
  ad_id          meta_sync.meta_object_id not null,
  date           date not null,
  hour           smallint not null constraint hourly_hour_in_day check (hour between 0 and 23),
  account_id     meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  campaign_id    meta_sync.meta_object_id,
  adset_id       meta_sync.meta_object_id,
  currency       text,
  impressions    bigint not null default 0,
  clicks         bigint not null default 0,
  spend          numeric(20, 4) not null default 0,
  link_clicks    bigint not null default 0,
  conversions    numeric(20, 4) not null default 0,
  revenue        numeric(20, 4) not null default 0,
  actions        jsonb not null default '[]',
  action_values  jsonb not null default '[]',
  synced_at      timestamptz not null default now(),
  primary key (ad_id, date, hour)
);
create index meta_insights_hourly_account_date_idx on meta_sync.meta_insights_hourly (account_id, date);
comment on table meta_sync.meta_insights_hourly is
  'One row per ad, day and hour of the account time zone (hour 0-23 = the label "HH:00:00 - HH:59:59"; on the day the clocks go back the repeated hour is one row, on the day they go forward the skipped hour has none, so the hours of a day add up to its meta_insights_daily row). Same units and conversion rule as meta_insights_daily; no reach (Meta gives none by hour). Read for the tiers with meta_sync_config.hourly_enabled; rewritten while attribution settles.';
comment on column meta_sync.meta_insights_hourly.spend is 'Amount spent, major units of currency (the account currency).';

create policy members_read_insights_hourly on meta_sync.meta_insights_hourly
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));
grant select on meta_sync.meta_insights_hourly to authenticated;
grant select, insert, update, delete on meta_sync.meta_insights_hourly to meta_sync_worker;

select meta_sync.secure_schema();
