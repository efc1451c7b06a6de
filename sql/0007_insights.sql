-- Ad-level daily performance: the one fact table. Rollups are views over it.

create table meta_sync.meta_insights_daily (
  ad_id               meta_sync.meta_object_id not null,
  date                date not null,
  attribution_setting text not null default 'default',
  breakdown_key       text not null default '',
  account_id          meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  campaign_id         meta_sync.meta_object_id,
  adset_id            meta_sync.meta_object_id,
  currency            text,
  impressions         bigint not null default 0,
  clicks              bigint not null default 0,
  spend               numeric(20, 4) not null default 0,
  reach               bigint,
  link_clicks         bigint not null default 0,
  conversions         numeric(20, 4) not null default 0,
  revenue             numeric(20, 4) not null default 0,
  actions             jsonb not null default '[]',
  action_values       jsonb not null default '[]',
  synced_at           timestamptz not null default now(),
  primary key (ad_id, date, attribution_setting, breakdown_key)
);
create index meta_insights_daily_account_date_idx on meta_sync.meta_insights_daily (account_id, date);
create index meta_insights_daily_campaign_date_idx on meta_sync.meta_insights_daily (campaign_id, date);
create index meta_insights_daily_adset_date_idx on meta_sync.meta_insights_daily (adset_id, date);
comment on table meta_sync.meta_insights_daily is
  'One row per ad, day (account time zone), attribution setting and breakdown. Spend and revenue in the account currency (major units); conversions and revenue derived from actions/action_values by the campaign objective. Rewritten while attribution settles (28 days).';
comment on column meta_sync.meta_insights_daily.reach is
  'Ad-level reach: not additive, so rollup views do not sum it.';
comment on column meta_sync.meta_insights_daily.currency is
  'The account currency (ISO 4217) of spend and revenue, as Meta reports it (account_currency).';
comment on column meta_sync.meta_insights_daily.spend is 'Amount spent, major units of currency (JPY: whole yen).';
comment on column meta_sync.meta_insights_daily.revenue is 'Value of the counted conversions, major units of currency.';
