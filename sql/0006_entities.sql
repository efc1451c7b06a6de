-- Campaign structure, keyed by Meta id. Archived and deleted objects are kept and flagged.
-- Parent ids are indexed but not foreign keys: Meta returns children whose deleted parents it
-- no longer lists, and structure pages arrive in any order.

create table meta_sync.meta_campaigns (
  id                meta_sync.meta_object_id primary key,
  account_id        meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  name              text,
  status            text,
  effective_status  text,
  objective         text,
  buying_type       text,
  daily_budget      numeric(20, 0),
  lifetime_budget   numeric(20, 0),
  start_time        timestamptz,
  stop_time         timestamptz,
  created_time      timestamptz,
  updated_time      timestamptz,
  issues_info       jsonb,
  is_archived       boolean generated always as (effective_status = 'ARCHIVED') stored,
  is_deleted        boolean generated always as (effective_status = 'DELETED') stored,
  raw               jsonb not null,
  synced_at         timestamptz not null default now()
);
create index meta_campaigns_account_id_idx on meta_sync.meta_campaigns (account_id, updated_time);
comment on table meta_sync.meta_campaigns is
  'Campaigns as Meta last described them (typed columns + raw JSON). Budgets are in the minor unit of the account currency, as Meta sends them.';

create table meta_sync.meta_adsets (
  id                meta_sync.meta_object_id primary key,
  account_id        meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  campaign_id       meta_sync.meta_object_id,
  name              text,
  status            text,
  effective_status  text,
  optimization_goal text,
  billing_event     text,
  daily_budget      numeric(20, 0),
  lifetime_budget   numeric(20, 0),
  start_time        timestamptz,
  end_time          timestamptz,
  targeting         jsonb,
  created_time      timestamptz,
  updated_time      timestamptz,
  issues_info       jsonb,
  is_archived       boolean generated always as (effective_status = 'ARCHIVED') stored,
  is_deleted        boolean generated always as (effective_status = 'DELETED') stored,
  raw               jsonb not null,
  synced_at         timestamptz not null default now()
);
create index meta_adsets_account_id_idx on meta_sync.meta_adsets (account_id, updated_time);
create index meta_adsets_campaign_id_idx on meta_sync.meta_adsets (campaign_id);
comment on table meta_sync.meta_adsets is 'Ad sets (typed columns + raw JSON), archived and deleted ones flagged.';

create table meta_sync.meta_ads (
  id                meta_sync.meta_object_id primary key,
  account_id        meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  campaign_id       meta_sync.meta_object_id,
  adset_id          meta_sync.meta_object_id,
  creative_id       meta_sync.meta_object_id,
  name              text,
  status            text,
  effective_status  text,
  created_time      timestamptz,
  updated_time      timestamptz,
  issues_info       jsonb,
  is_archived       boolean generated always as (effective_status = 'ARCHIVED') stored,
  is_deleted        boolean generated always as (effective_status = 'DELETED') stored,
  raw               jsonb not null,
  synced_at         timestamptz not null default now()
);
create index meta_ads_account_id_idx on meta_sync.meta_ads (account_id, updated_time);
create index meta_ads_campaign_id_idx on meta_sync.meta_ads (campaign_id);
create index meta_ads_adset_id_idx on meta_sync.meta_ads (adset_id);
create index meta_ads_creative_id_idx on meta_sync.meta_ads (creative_id);
comment on table meta_sync.meta_ads is 'Ads (typed columns + raw JSON), archived and deleted ones flagged.';

create table meta_sync.meta_ad_creatives (
  id                meta_sync.meta_object_id primary key,
  account_id        meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  name              text,
  title             text,
  body              text,
  object_type       text,
  call_to_action_type text,
  thumbnail_url     text,
  raw               jsonb not null,
  synced_at         timestamptz not null default now()
);
create index meta_ad_creatives_account_id_idx on meta_sync.meta_ad_creatives (account_id);
comment on table meta_sync.meta_ad_creatives is 'Ad creatives (typed columns + raw JSON).';
comment on column meta_sync.meta_campaigns.daily_budget is
  'Minor units of the account currency (meta_ad_accounts.currency) as Meta sends them: major amount x meta_sync.currency_offset(currency). meta_sync.budgets shows major units.';
comment on column meta_sync.meta_campaigns.lifetime_budget is
  'Minor units of the account currency, like daily_budget.';
comment on column meta_sync.meta_adsets.daily_budget is
  'Minor units of the account currency (meta_ad_accounts.currency) as Meta sends them: major amount x meta_sync.currency_offset(currency). meta_sync.budgets shows major units.';
comment on column meta_sync.meta_adsets.lifetime_budget is
  'Minor units of the account currency, like daily_budget.';
