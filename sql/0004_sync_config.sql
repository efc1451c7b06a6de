-- The tier table: changing a row changes the schedule, no code change.

create table meta_sync.meta_sync_config (
  tier                     meta_sync.sync_tier primary key,
  interval_minutes         integer not null
                           constraint interval_minutes_positive check (interval_minutes > 0),
  date_range_days          integer not null
                           constraint date_range_days_in_range check (date_range_days between 1 and 90),
  settle_lookback_days     integer not null default 28
                           constraint settle_lookback_days_in_range check (settle_lookback_days between 1 and 90),
  settle_interval_minutes  integer not null default 1440
                           constraint settle_interval_minutes_positive check (settle_interval_minutes > 0),
  description              text not null default '',
  updated_at               timestamptz not null default now(),
  structure_refresh_minutes integer not null default 1440
                           constraint structure_refresh_minutes_positive check (structure_refresh_minutes > 0)
);
comment on table meta_sync.meta_sync_config is
  'Per-tier schedule: every interval_minutes re-read the last date_range_days (attribution); once every settle_interval_minutes re-read settle_lookback_days. Admins change it with plain SQL.';

insert into meta_sync.meta_sync_config
  (tier, interval_minutes, date_range_days, description, structure_refresh_minutes) values
  ('high',   60,  2, 'Every hour, re-reading the last 2 days', 360),
  ('medium', 120, 3, 'Every 2 hours, re-reading the last 3 days (default tier)', 1440),
  ('low',    240, 7, 'Every 4 hours, re-reading the last 7 days', 1440);
comment on column meta_sync.meta_sync_config.structure_refresh_minutes is
  'A scheduled run lists campaigns, ad sets, ads and creatives again when the last listing is at least this old (high 360, medium and low 1440); in between a run reads insights only, and an insights chunk that meets an object it does not know lists the structure first. Webhooks and manual syncs always list.';

create table meta_sync.data_freshness (
  account_id     meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  dataset        text not null constraint dataset_known check (dataset in ('structure', 'insights')),
  fresh_through  date,
  synced_at      timestamptz not null,
  primary key (account_id, dataset)
);
comment on table meta_sync.data_freshness is
  'Per account and dataset: data is complete through fresh_through (account time zone), as of synced_at.';
