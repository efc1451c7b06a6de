-- meta-sync 0.1.0: the baseline schema, as released. Never edited: every later change to sql/
-- arrives as a new migration beside this one.

-- ==== 0001_schema_and_types.sql ===============================================================

-- meta-sync: the schema and the enumerations every other object uses.
-- One source of truth: `metasync db migrate` and the Supabase CLI (supabase/migrations links
-- here) apply these files in file-name order, each in one transaction.

create schema if not exists meta_sync;
comment on schema meta_sync is
  'meta-sync: Meta Marketing API sync state, tier scheduling, job queue, entities and insights.';

create type meta_sync.sync_tier as enum ('high', 'medium', 'low');
comment on type meta_sync.sync_tier is
  'Sync priority of an ad account: high (hourly, 2 days), medium (default, 2 h, 3 days), low (4 h, 7 days). Intervals live in meta_sync_config.';

create type meta_sync.sync_phase as enum
  ('recent_90_days', 'historical_backfill', 'incremental', 'settle', 'manual', 'webhook');
comment on type meta_sync.sync_phase is
  'Why a job exists: onboarding phase 1 (last 90 days) and 2 (history), the tier schedule, the daily attribution settle, an admin request, a webhook.';

create type meta_sync.sync_type as enum ('initial', 'incremental', 'manual');
comment on type meta_sync.sync_type is 'initial = onboarding phases, incremental = schedule and settle, manual = admin or webhook.';

create type meta_sync.job_status as enum
  ('pending', 'in_progress', 'completed', 'completed_with_errors', 'failed', 'cancelled');
comment on type meta_sync.job_status is 'Lifecycle of a sync job; the last four are final.';

create type meta_sync.chunk_status as enum
  ('pending', 'in_progress', 'completed', 'failed', 'cancelled', 'split');
comment on type meta_sync.chunk_status is
  'Lifecycle of a unit of work; split = replaced by smaller children (too much data), final like completed.';

create type meta_sync.chunk_type as enum ('structure', 'insights');
comment on type meta_sync.chunk_type is
  'structure = campaigns, ad sets, ads, creatives; insights = ad-level daily metrics for a date range.';

create type meta_sync.connection_status as enum ('active', 'expired', 'revoked');
comment on type meta_sync.connection_status is 'State of a stored Meta token; only active tokens are used.';

create domain meta_sync.ad_account_id as text
  constraint ad_account_id_format check (value ~ '^act_[0-9]{1,20}$');
comment on domain meta_sync.ad_account_id is
  'A Meta ad account node id: act_ followed by digits (the bare number is refused, as Meta does).';

create domain meta_sync.meta_object_id as text
  constraint meta_object_id_format check (value ~ '^[0-9]{1,25}$');
comment on domain meta_sync.meta_object_id is 'A Meta object id (campaign, ad set, ad, creative): digits only.';

-- ==== 0002_organizations.sql ==================================================================

-- Tenants. Row-level security everywhere keys on organization membership.

create table meta_sync.organizations (
  id          uuid primary key default gen_random_uuid(),
  name        text not null constraint organization_name_not_blank check (btrim(name) <> ''),
  created_at  timestamptz not null default now()
);
comment on table meta_sync.organizations is 'A tenant: an agency, a brand or a SaaS customer owning ad accounts.';

create table meta_sync.organization_members (
  organization_id uuid not null references meta_sync.organizations (id) on delete cascade,
  user_id         uuid not null,
  role            text not null default 'member'
                  constraint member_role_known check (role in ('owner', 'admin', 'member')),
  created_at      timestamptz not null default now(),
  primary key (organization_id, user_id)
);
create index organization_members_user_id_idx on meta_sync.organization_members (user_id);
comment on table meta_sync.organization_members is
  'Who belongs to an organization (user_id = auth.uid() on Supabase); owners and admins may change tiers.';

-- ==== 0003_connections_and_accounts.sql =======================================================

-- Meta tokens (ciphertext only) and the ad accounts with their scheduling state.

create table meta_sync.meta_connections (
  id                     uuid primary key default gen_random_uuid(),
  organization_id        uuid not null references meta_sync.organizations (id) on delete cascade,
  label                  text not null default 'default',
  token_ciphertext       bytea not null,
  token_key_id           text not null constraint token_key_id_not_blank check (btrim(token_key_id) <> ''),
  token_type             text not null default 'user'
                         constraint token_type_known check (token_type in ('user', 'system_user', 'page')),
  meta_user_id           text,
  scopes                 text[] not null default '{}',
  expires_at             timestamptz,
  data_access_expires_at timestamptz,
  status                 meta_sync.connection_status not null default 'active',
  last_validated_at      timestamptz,
  last_error             text,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  unique (organization_id, label)
);
create index meta_connections_status_idx on meta_sync.meta_connections (status) where status <> 'active';
comment on table meta_sync.meta_connections is
  'A Meta access token of an organization (user or system user), AES-GCM encrypted by the worker before it reaches the database; token_key_id names the key for rotation. Never plaintext.';
comment on column meta_sync.meta_connections.expires_at is 'NULL = never expires (system-user tokens).';

create table meta_sync.meta_ad_accounts (
  id                        meta_sync.ad_account_id primary key,
  organization_id           uuid not null references meta_sync.organizations (id) on delete cascade,
  connection_id             uuid references meta_sync.meta_connections (id) on delete set null,
  name                      text,
  currency                  text constraint currency_iso check (currency ~ '^[A-Z]{3}$'),
  timezone_name             text not null default 'UTC',
  created_time              timestamptz,
  account_status            integer,
  meta_sync_priority        meta_sync.sync_tier not null default 'medium',
  paused                    boolean not null default false,
  last_meta_sync_at         timestamptz,
  last_sync_attempt_at      timestamptz,
  next_sync_at              timestamptz,
  latest_meta_data_date     date,
  sync_error_count          integer not null default 0 constraint sync_error_count_non_negative check (sync_error_count >= 0),
  last_sync_error           text,
  rate_limit_backoff_until  timestamptz,
  phase_1_completed_at      timestamptz,
  phase_2_completed_at      timestamptz,
  last_settle_at            timestamptz,
  created_at                timestamptz not null default now(),
  updated_at                timestamptz not null default now()
);
create index meta_ad_accounts_organization_id_idx on meta_sync.meta_ad_accounts (organization_id);
create index meta_ad_accounts_connection_id_idx on meta_sync.meta_ad_accounts (connection_id);
-- The due-accounts scan: unpaused accounts by due time.
create index meta_ad_accounts_due_idx on meta_sync.meta_ad_accounts (next_sync_at)
  where not paused;
comment on table meta_sync.meta_ad_accounts is
  'A Meta ad account under sync, with its tier and scheduling state. next_sync_at is derived from the tier (trigger) and from each sync outcome (update_meta_sync_status).';
comment on column meta_sync.meta_ad_accounts.meta_sync_priority is
  'Tier: high | medium | low. A plain UPDATE recomputes next_sync_at.';
comment on column meta_sync.meta_ad_accounts.timezone_name is
  'IANA time zone of the account: days, date ranges and "today" are computed in it.';
comment on column meta_sync.meta_ad_accounts.rate_limit_backoff_until is
  'No call for this account before this time (Meta throttled it).';

-- A time zone name is only accepted when Postgres knows it.
create function meta_sync.check_ad_account_time_zone()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Converting a time is the cheap check (Postgres caches the zone); pg_timezone_names would
  -- read every zone file on every row.
  perform pg_catalog.timezone(new.timezone_name, pg_catalog.now());
  return new;
exception when invalid_parameter_value then
  raise exception 'unknown time zone "%" for ad account %', new.timezone_name, new.id
    using errcode = '22023', hint = 'Use an IANA name such as Europe/Berlin or America/Los_Angeles.';
end;
$$;
comment on function meta_sync.check_ad_account_time_zone() is
  'Trigger: refuses an ad account whose timezone_name Postgres does not know (SQLSTATE 22023).';

create trigger meta_ad_accounts_time_zone_check
  before insert or update of timezone_name on meta_sync.meta_ad_accounts
  for each row execute function meta_sync.check_ad_account_time_zone();

-- ==== 0004_sync_config.sql ====================================================================

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
  updated_at               timestamptz not null default now()
);
comment on table meta_sync.meta_sync_config is
  'Per-tier schedule: every interval_minutes re-read the last date_range_days (attribution); once every settle_interval_minutes re-read settle_lookback_days. Admins change it with plain SQL.';

insert into meta_sync.meta_sync_config (tier, interval_minutes, date_range_days, description) values
  ('high',   60,  2, 'Every hour, re-reading the last 2 days'),
  ('medium', 120, 3, 'Every 2 hours, re-reading the last 3 days (default tier)'),
  ('low',    240, 7, 'Every 4 hours, re-reading the last 7 days');

create table meta_sync.data_freshness (
  account_id     meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  dataset        text not null constraint dataset_known check (dataset in ('structure', 'insights')),
  fresh_through  date,
  synced_at      timestamptz not null,
  primary key (account_id, dataset)
);
comment on table meta_sync.data_freshness is
  'Per account and dataset: data is complete through fresh_through (account time zone), as of synced_at.';

-- ==== 0005_sync_jobs.sql ======================================================================

-- The job model: a job is one sync of one account over one date range; chunks are its units of
-- work, claimed by workers with leases.

create table meta_sync.sync_jobs (
  id                     bigint generated always as identity primary key,
  account_id             meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  organization_id        uuid not null references meta_sync.organizations (id) on delete cascade,
  sync_phase             meta_sync.sync_phase not null,
  sync_type              meta_sync.sync_type not null,
  status                 meta_sync.job_status not null default 'pending',
  date_since             date,
  date_until             date,
  requested_by           text,
  progress_percentage    numeric(5, 2) not null default 0
                         constraint progress_percentage_in_range check (progress_percentage between 0 and 100),
  total_chunks           integer not null default 0,
  completed_chunks       integer not null default 0,
  failed_chunks          integer not null default 0,
  campaigns_synced       integer not null default 0,
  adsets_synced          integer not null default 0,
  ads_synced             integer not null default 0,
  creatives_synced       integer not null default 0,
  insight_rows_written   bigint not null default 0,
  api_calls              integer not null default 0,
  estimated_completion_at timestamptz,
  last_error             text,
  created_at             timestamptz not null default now(),
  started_at             timestamptz,
  completed_at           timestamptz,
  updated_at             timestamptz not null default now(),
  constraint job_date_range_ordered check (date_since <= date_until),
  constraint job_chunk_counts_consistent check (
    completed_chunks >= 0 and failed_chunks >= 0 and completed_chunks + failed_chunks <= total_chunks)
);
create index sync_jobs_account_id_idx on meta_sync.sync_jobs (account_id, created_at desc);
create index sync_jobs_organization_id_idx on meta_sync.sync_jobs (organization_id);
create index sync_jobs_open_idx on meta_sync.sync_jobs (status) where status in ('pending', 'in_progress');
-- At most one open scheduled (incremental) job per account: enqueueing twice cannot duplicate it.
create unique index sync_jobs_one_open_incremental_idx on meta_sync.sync_jobs (account_id)
  where sync_phase = 'incremental' and status in ('pending', 'in_progress');
-- Likewise one open job per onboarding phase and settle.
create unique index sync_jobs_one_open_phase_idx on meta_sync.sync_jobs (account_id, sync_phase)
  where sync_phase in ('recent_90_days', 'historical_backfill', 'settle')
    and status in ('pending', 'in_progress');
comment on table meta_sync.sync_jobs is
  'One sync of one ad account over one date range (phase, type, status, progress, ETA, counts). Progress changes are published (pg_notify meta_sync_progress, Realtime on Supabase).';
comment on column meta_sync.sync_jobs.organization_id is 'Copied from the account: the RLS key and the Realtime topic org:<id>:sync.';
comment on column meta_sync.sync_jobs.estimated_completion_at is 'ETA from the observed durations of the finished chunks.';

create table meta_sync.sync_job_chunks (
  id                      bigint generated always as identity primary key,
  job_id                  bigint not null references meta_sync.sync_jobs (id) on delete cascade,
  account_id              meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  parent_chunk_id         bigint references meta_sync.sync_job_chunks (id) on delete cascade,
  depends_on_chunk_id     bigint references meta_sync.sync_job_chunks (id) on delete set null,
  chunk_type              meta_sync.chunk_type not null,
  date_since              date,
  date_until              date,
  campaign_ids            text[],
  updated_since           timestamptz,
  chunk_order             integer not null default 0,
  priority                smallint not null default 100,
  status                  meta_sync.chunk_status not null default 'pending',
  retry_count             integer not null default 0 constraint retry_count_non_negative check (retry_count >= 0),
  max_retries             integer not null default 5 constraint max_retries_non_negative check (max_retries >= 0),
  run_after               timestamptz not null default now(),
  locked_by               text,
  locked_until            timestamptz,
  lease_token             uuid,
  claimed_count           integer not null default 0,
  last_error              text,
  rows_written            bigint not null default 0,
  api_calls               integer not null default 0,
  started_at              timestamptz,
  completed_at            timestamptz,
  actual_duration_seconds numeric(12, 3),
  created_at              timestamptz not null default now(),
  constraint chunk_date_range_ordered check (date_since <= date_until),
  constraint insights_chunk_has_dates check (
    chunk_type <> 'insights' or (date_since is not null and date_until is not null)),
  constraint chunk_lease_consistent check (
    (status = 'in_progress') = (locked_by is not null and locked_until is not null and lease_token is not null))
);
create index sync_job_chunks_job_id_idx on meta_sync.sync_job_chunks (job_id, chunk_order);
create index sync_job_chunks_account_id_idx on meta_sync.sync_job_chunks (account_id);
create index sync_job_chunks_parent_chunk_id_idx on meta_sync.sync_job_chunks (parent_chunk_id);
create index sync_job_chunks_depends_on_chunk_id_idx on meta_sync.sync_job_chunks (depends_on_chunk_id);
-- The claim scan: pending chunks by priority, then due time.
create index sync_job_chunks_claimable_idx on meta_sync.sync_job_chunks (priority, run_after, id)
  where status = 'pending';
-- The lease reaper: running chunks by lease expiry.
create index sync_job_chunks_lease_idx on meta_sync.sync_job_chunks (locked_until)
  where status = 'in_progress';
comment on table meta_sync.sync_job_chunks is
  'A unit of work of a job: structure, or insights for a date range (optionally a campaign id list when split). Claimed with FOR UPDATE SKIP LOCKED under a lease; retried with backoff up to max_retries.';
comment on column meta_sync.sync_job_chunks.priority is
  'Claim order, lower first: derived from phase and tier when the chunk is created (and when the tier changes).';
comment on column meta_sync.sync_job_chunks.depends_on_chunk_id is
  'Not claimable while this chunk is pending or running (insights wait for the structure of their job).';
comment on column meta_sync.sync_job_chunks.lease_token is
  'New on every claim; completing or failing requires it, so a worker that lost its lease cannot finish the chunk.';
comment on column meta_sync.sync_job_chunks.updated_since is
  'Structure chunks: read only objects updated after this time (incremental); NULL = everything.';

-- ==== 0006_entities.sql =======================================================================

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

-- ==== 0007_insights.sql =======================================================================

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

-- ==== 0008_rate_limit_state.sql ===============================================================

-- Meta usage as reported by its headers, shared by every worker.

create table meta_sync.meta_rate_limit_state (
  scope_type               text not null
                           constraint scope_type_known check (scope_type in ('app', 'ad_account', 'business_use_case')),
  scope_id                 text not null,
  usage_type               text not null default '',
  call_count_pct           numeric(6, 2),
  total_cputime_pct        numeric(6, 2),
  total_time_pct           numeric(6, 2),
  estimated_regain_minutes integer,
  blocked_until            timestamptz,
  last_throttle_code       integer,
  observed_at              timestamptz not null,
  primary key (scope_type, scope_id, usage_type)
);
create index meta_rate_limit_state_blocked_idx on meta_sync.meta_rate_limit_state (blocked_until)
  where blocked_until is not null;
comment on table meta_sync.meta_rate_limit_state is
  'Latest Meta usage per scope (app, ad account, business use case + type) from X-App-Usage, X-Ad-Account-Usage, X-Business-Use-Case-Usage; blocked_until = no call in this scope before then. Shared by every worker.';

-- ==== 0100_function_chunk_priority.sql ========================================================

-- Claim order of a chunk, lower first: the phase decides, the tier breaks ties within a phase.

create function meta_sync.chunk_priority(p_phase meta_sync.sync_phase, p_tier meta_sync.sync_tier)
returns smallint
language sql
immutable
parallel safe
set search_path = ''
as $$
  select (
    case p_phase
      when 'recent_90_days'      then 10  -- onboarding: users see their data fast
      when 'manual'              then 20  -- an admin is waiting
      when 'webhook'             then 20
      when 'incremental'         then 30  -- the tier schedule
      when 'settle'              then 40  -- attribution re-read, once a day
      when 'historical_backfill' then 50  -- history: whenever there is room
    end
    + case p_tier when 'high' then 0 when 'medium' then 1 when 'low' then 2 end
  )::smallint
$$;
comment on function meta_sync.chunk_priority(meta_sync.sync_phase, meta_sync.sync_tier) is
  'Claim order of a chunk, lower first: recent_90_days 10-12, manual/webhook 20-22, incremental 30-32, settle 40-42, historical_backfill 50-52 (high, medium, low). Stored in sync_job_chunks.priority when a chunk is created and when the account''s tier changes.';

-- ==== 0101_table_sync_planner_settings.sql ====================================================

-- How jobs are cut into chunks and how far back history goes: one row, changed with plain SQL.

create table meta_sync.sync_planner_settings (
  id                        boolean primary key default true constraint one_row check (id),
  phase_1_days              integer not null default 90
                            constraint phase_1_days_in_range check (phase_1_days between 1 and 365),
  phase_1_chunk_days        integer not null default 7
                            constraint phase_1_chunk_days_in_range check (phase_1_chunk_days between 1 and 90),
  phase_2_period_days       integer not null default 90
                            constraint phase_2_period_days_in_range check (phase_2_period_days between 1 and 366),
  history_limit_months      integer not null default 37
                            constraint history_limit_months_in_range check (history_limit_months between 1 and 37),
  history_margin_days       integer not null default 3
                            constraint history_margin_days_in_range check (history_margin_days between 0 and 60),
  incremental_chunk_days    integer not null default 14
                            constraint incremental_chunk_days_in_range check (incremental_chunk_days between 1 and 90),
  settle_chunk_days         integer not null default 7
                            constraint settle_chunk_days_in_range check (settle_chunk_days between 1 and 90),
  insights_rows_per_chunk   integer not null default 500
                            constraint insights_rows_per_chunk_in_range check (insights_rows_per_chunk between 1 and 1000000),
  structure_overlap_minutes integer not null default 30
                            constraint structure_overlap_minutes_in_range check (structure_overlap_minutes between 0 and 1440),
  updated_at                timestamptz not null default now()
);
insert into meta_sync.sync_planner_settings default values;

comment on table meta_sync.sync_planner_settings is
  'One row: how onboarding, incremental and settle jobs are cut into chunks and how far back history goes. The per-tier schedule (interval, date_range_days, settle_lookback_days = 28) lives in meta_sync_config.';
comment on column meta_sync.sync_planner_settings.phase_1_days is
  'Onboarding phase 1 (recent_90_days) reads the last N days ending today in the account time zone (90).';
comment on column meta_sync.sync_planner_settings.phase_1_chunk_days is
  'Days per insights chunk of phase 1 while the account''s ads are unknown (a first onboarding), newest chunk first (7: the first week shows up fast). With ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.phase_2_period_days is
  'Days per insights chunk of phase 2 (historical_backfill), newest period first (90).';
comment on column meta_sync.sync_planner_settings.history_limit_months is
  'Meta serves insights at most this many months back (37); phase 2 never starts earlier.';
comment on column meta_sync.sync_planner_settings.history_margin_days is
  'Safety margin inside the history limit: phase 2 starts this many days after today - history_limit_months (Meta refuses the edge).';
comment on column meta_sync.sync_planner_settings.incremental_chunk_days is
  'Days per insights chunk of an incremental job while the account''s ads are unknown; with ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.settle_chunk_days is
  'Days per insights chunk of the daily settle job (settle_lookback_days = 28) while the account''s ads are unknown; with ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.insights_rows_per_chunk is
  'Estimated insights rows (live ads x days) one chunk of a settle, incremental or phase-1 job may hold (500 = the worker''s insights page size, METASYNC_INSIGHTS_PAGE_SIZE): one chunk when the whole range fits, else chunks of the most days that fit, at least 1.';
comment on column meta_sync.sync_planner_settings.structure_overlap_minutes is
  'Incremental structure chunks read objects updated since the last structure sync minus this overlap (clock skew, in-flight edits).';

-- ==== 0102_function_lock_ad_account.sql =======================================================

-- The one place an ad account id argument is validated: format, then existence; the row is locked.

create function meta_sync.lock_ad_account(p_account_id text)
returns meta_sync.meta_ad_accounts
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
begin
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007', hint = 'Meta ad account ids look like act_1234567890.';
  end if;
  select a.* into v_account
  from meta_sync.meta_ad_accounts a
  where a.id = p_account_id::meta_sync.ad_account_id
  for update;
  if not found then
    raise exception 'no ad account "%"', p_account_id using errcode = 'P0002';
  end if;
  return v_account;
end;
$$;
comment on function meta_sync.lock_ad_account(text) is
  'Validates an ad account id (22007 when not act_<digits>, P0002 when unknown), locks the row FOR UPDATE and returns it. Used by every scheduling function that changes an account.';

-- ==== 0103_function_compute_next_sync_at.sql ==================================================

-- When an account is next due, from its tier, last sync, onboarding state and backoff.

create function meta_sync.compute_next_sync_at(
  p_tier meta_sync.sync_tier,
  p_last_sync_at timestamptz,
  p_phase_1_completed_at timestamptz,
  p_backoff_until timestamptz
)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select case
    when p_phase_1_completed_at is null then null  -- onboarding first: no schedule yet
    else greatest(
      coalesce(p_last_sync_at, p_phase_1_completed_at) + pg_catalog.make_interval(mins => c.interval_minutes),
      p_backoff_until)                             -- greatest() ignores a null backoff
  end
  from meta_sync.meta_sync_config c
  where c.tier = p_tier
$$;
comment on function meta_sync.compute_next_sync_at(meta_sync.sync_tier, timestamptz, timestamptz, timestamptz) is
  'Next due time: (last sync, else phase 1 completion) + the tier''s interval_minutes, not before the backoff; NULL while onboarding phase 1 has not completed.';

-- ==== 0104_function_account_today.sql =========================================================

-- "Today" of an ad account: days are counted in the account's time zone.

create function meta_sync.account_today(p_timezone_name text, p_now timestamptz default now())
returns date
language sql
stable
parallel safe
set search_path = ''
as $$
  select (p_now at time zone p_timezone_name)::date
$$;
comment on function meta_sync.account_today(text, timestamptz) is
  'The calendar date of p_now in the account time zone: the last day any insights range may end on.';

-- ==== 0110_trigger_tier_next_sync.sql =========================================================

-- A tier change (or a new last sync, or phase 1 completing) recomputes next_sync_at, so a plain
-- UPDATE meta_sync.meta_ad_accounts SET meta_sync_priority = 'high' in psql just works.

create function meta_sync.recompute_account_next_sync()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.phase_1_completed_at is null then
      new.next_sync_at := null;  -- onboarding comes first
    elsif new.next_sync_at is null then
      new.next_sync_at := meta_sync.compute_next_sync_at(
        new.meta_sync_priority, new.last_meta_sync_at, new.phase_1_completed_at, new.rate_limit_backoff_until);
    end if;
  elsif new.meta_sync_priority is distinct from old.meta_sync_priority
     or new.last_meta_sync_at is distinct from old.last_meta_sync_at
     or new.phase_1_completed_at is distinct from old.phase_1_completed_at then
    new.next_sync_at := meta_sync.compute_next_sync_at(
      new.meta_sync_priority, new.last_meta_sync_at, new.phase_1_completed_at, new.rate_limit_backoff_until);
  end if;
  return new;
end;
$$;
comment on function meta_sync.recompute_account_next_sync() is
  'Trigger: on insert, and when meta_sync_priority, last_meta_sync_at or phase_1_completed_at change, next_sync_at = compute_next_sync_at(...) (NULL until phase 1 completes; an insert may give its own next_sync_at once phase 1 is done).';

create trigger meta_ad_accounts_next_sync
  before insert or update of meta_sync_priority, last_meta_sync_at, phase_1_completed_at
  on meta_sync.meta_ad_accounts
  for each row execute function meta_sync.recompute_account_next_sync();

-- ==== 0111_trigger_tier_chunk_priority.sql ====================================================

-- A tier change re-prioritises the account's pending chunks.

create function meta_sync.reprioritise_account_chunks()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update meta_sync.sync_job_chunks c
  set priority = meta_sync.chunk_priority(j.sync_phase, new.meta_sync_priority)
  from meta_sync.sync_jobs j
  where c.account_id = new.id
    and c.status = 'pending'
    and j.id = c.job_id
    and c.priority is distinct from meta_sync.chunk_priority(j.sync_phase, new.meta_sync_priority);
  return null;
end;
$$;
comment on function meta_sync.reprioritise_account_chunks() is
  'Trigger: after an account''s tier changes, its pending chunks get chunk_priority(job phase, new tier).';

create trigger meta_ad_accounts_chunk_priority
  after update of meta_sync_priority on meta_sync.meta_ad_accounts
  for each row
  when (old.meta_sync_priority is distinct from new.meta_sync_priority)
  execute function meta_sync.reprioritise_account_chunks();

-- ==== 0112_trigger_config_interval.sql ========================================================

-- Changing a tier's interval in meta_sync_config reschedules every account of that tier.

create function meta_sync.reschedule_tier_accounts()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update meta_sync.meta_ad_accounts a
  set next_sync_at = meta_sync.compute_next_sync_at(
        a.meta_sync_priority, a.last_meta_sync_at, a.phase_1_completed_at, a.rate_limit_backoff_until)
  where a.meta_sync_priority = new.tier
    and a.phase_1_completed_at is not null;
  return null;
end;
$$;
comment on function meta_sync.reschedule_tier_accounts() is
  'Trigger: after meta_sync_config.interval_minutes of a tier changes, next_sync_at of every onboarded account of that tier is recomputed from its last sync.';

create trigger meta_sync_config_reschedule
  after update of interval_minutes on meta_sync.meta_sync_config
  for each row
  when (old.interval_minutes is distinct from new.interval_minutes)
  execute function meta_sync.reschedule_tier_accounts();

-- ==== 0120_function_set_sync_priority.sql =====================================================

-- Change an account's tier, with clear refusals; the triggers reschedule it.

create function meta_sync.set_sync_priority(
  p_account_id text,
  p_tier text,
  p_now timestamptz default now()
)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_tier    text := pg_catalog.lower(pg_catalog.btrim(p_tier));
  v_valid   text[] := pg_catalog.enum_range(null::meta_sync.sync_tier)::text[];
  v_account meta_sync.meta_ad_accounts;
  v_next    timestamptz;
begin
  if v_tier is null or not (v_tier = any (v_valid)) then
    raise exception 'unknown tier "%": valid tiers are %', coalesce(p_tier, 'null'),
      pg_catalog.array_to_string(v_valid, ', ')
      using errcode = '22023';
  end if;
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007', hint = 'Meta ad account ids look like act_1234567890.';
  end if;
  -- A Supabase user (role authenticated, or any request carrying a JWT subject) must be an
  -- owner or admin of the account's organization; an authenticated request without a subject
  -- is nobody's admin. An unknown account has no admin: the same refusal, so the answer does
  -- not say whether the id exists.
  -- (current_setting('role') is the caller's role even inside a security definer function.)
  if ((select auth.uid()) is not null
      or pg_catalog.current_setting('role', true) in ('authenticated', 'anon'))
    and not exists (
    select 1
    from meta_sync.meta_ad_accounts a
    join meta_sync.organization_members m on m.organization_id = a.organization_id
    where a.id = p_account_id::meta_sync.ad_account_id
      and m.user_id = (select auth.uid())
      and m.role in ('owner', 'admin')
  ) then
    raise exception 'only owners and admins of the organization may change the tier of %', p_account_id
      using errcode = '42501';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  update meta_sync.meta_ad_accounts a
  set meta_sync_priority = v_tier::meta_sync.sync_tier,
      updated_at = p_now
  where a.id = v_account.id
  returning a.next_sync_at into v_next;
  return v_next;
end;
$$;
comment on function meta_sync.set_sync_priority(text, text, timestamptz) is
  'Sets an account''s tier (high | medium | low) and returns its new next_sync_at. Unknown tier -> 22023, malformed id -> 22007. A signed-in user who is not owner/admin of the account''s organization -> 42501, for an unknown account too (existence is not revealed); service role / superuser: unknown account -> P0002.';

-- ==== 0130_index_due_accounts_by_tier.sql =====================================================

-- The due scan walks one tier at a time in due order: (tier, next_sync_at, id) over schedulable rows.

create index meta_ad_accounts_due_by_tier_idx
  on meta_sync.meta_ad_accounts (meta_sync_priority, next_sync_at, id)
  where not paused and next_sync_at is not null;
comment on index meta_sync.meta_ad_accounts_due_by_tier_idx is
  'get_meta_accounts_due_for_sync: per tier, unpaused scheduled accounts by due time (an index range scan per tier).';

-- ==== 0131_function_get_meta_accounts_due_for_sync.sql ========================================

-- Accounts due now: HIGH first, then medium, then low; within a tier the most overdue first.

create function meta_sync.get_meta_accounts_due_for_sync(
  p_limit integer default 100,
  p_now timestamptz default now()
)
returns table (
  account_id        text,
  organization_id   uuid,
  tier              meta_sync.sync_tier,
  next_sync_at      timestamptz,
  overdue_by        interval,
  last_meta_sync_at timestamptz,
  sync_error_count  integer,
  timezone_name     text,
  connection_id     uuid
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_tier  meta_sync.sync_tier;
  v_left  integer := p_limit;
  v_rows  integer;
begin
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'p_limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  -- Tier by tier, high first: each an ordered range scan of meta_ad_accounts_due_by_tier_idx
  -- (tier, next_sync_at, id) that stops after the accounts still needed.
  foreach v_tier in array pg_catalog.enum_range(null::meta_sync.sync_tier) loop
    return query
    select acc.id::text, acc.organization_id, acc.meta_sync_priority, acc.next_sync_at,
           p_now - acc.next_sync_at, acc.last_meta_sync_at, acc.sync_error_count,
           acc.timezone_name, acc.connection_id
    from meta_sync.meta_ad_accounts acc
    where acc.meta_sync_priority = v_tier
      and not acc.paused
      and acc.next_sync_at is not null
      and acc.next_sync_at <= p_now
      and (acc.rate_limit_backoff_until is null or acc.rate_limit_backoff_until <= p_now)
      and exists (
        select 1 from meta_sync.meta_connections c
        where c.id = acc.connection_id and c.status = 'active')
      and not exists (
        select 1 from meta_sync.sync_jobs j
        where j.account_id = acc.id
          and j.sync_phase = 'incremental'
          and j.status in ('pending', 'in_progress'))
    order by acc.next_sync_at, acc.id
    limit v_left;
    get diagnostics v_rows = row_count;
    v_left := v_left - v_rows;
    exit when v_left <= 0;
  end loop;
end;
$$;
comment on function meta_sync.get_meta_accounts_due_for_sync(integer, timestamptz) is
  'Accounts due at p_now (next_sync_at <= p_now), high tier first, then medium, then low, most overdue first within a tier. Skips paused, backed-off (rate_limit_backoff_until > p_now), connection missing or not active, and accounts with an open incremental job. p_limit outside 1..10000 -> 22023.';

-- ==== 0140_function_update_meta_sync_status.sql ===============================================

-- The outcome of a sync: success, error (retry later, growing delay) or rate limited (back off).

create function meta_sync.update_meta_sync_status(
  p_account_id text,
  p_outcome text,
  p_error text default null,
  p_regain_at timestamptz default null,
  p_fresh_through date default null,
  p_now timestamptz default now()
)
returns timestamptz
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account  meta_sync.meta_ad_accounts;
  v_interval integer;
  v_count    integer;
  v_backoff  timestamptz;
  v_next     timestamptz;
begin
  if p_outcome is null or p_outcome not in ('success', 'error', 'rate_limited') then
    raise exception 'unknown sync outcome "%": valid outcomes are success, error, rate_limited',
      coalesce(p_outcome, 'null')
      using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  select c.interval_minutes into v_interval
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;

  if p_outcome = 'success' then
    update meta_sync.meta_ad_accounts a
    set last_meta_sync_at = p_now,
        last_sync_attempt_at = p_now,
        sync_error_count = 0,
        last_sync_error = null,
        latest_meta_data_date = greatest(a.latest_meta_data_date, p_fresh_through),
        updated_at = p_now
    where a.id = v_account.id
    returning a.next_sync_at into v_next;  -- recomputed by the trigger from last_meta_sync_at
    if p_fresh_through is not null then
      insert into meta_sync.data_freshness as f (account_id, dataset, fresh_through, synced_at)
      values (v_account.id, 'insights', p_fresh_through, p_now)
      on conflict (account_id, dataset) do update
        set fresh_through = greatest(f.fresh_through, excluded.fresh_through),
            synced_at = greatest(f.synced_at, excluded.synced_at);
    end if;

  elsif p_outcome = 'error' then
    v_count := v_account.sync_error_count + 1;
    update meta_sync.meta_ad_accounts a
    set sync_error_count = v_count,
        last_sync_error = coalesce(p_error, 'unknown error'),
        last_sync_attempt_at = p_now,
        -- Retry sooner than the tier interval, doubling from 5 minutes: 5, 10, 20 ... <= interval.
        next_sync_at = case when a.phase_1_completed_at is null then null else greatest(
          p_now + pg_catalog.make_interval(mins => least(
            v_interval, (5 * power(2, least(v_count, 20) - 1))::integer)),
          a.rate_limit_backoff_until) end,
        updated_at = p_now
    where a.id = v_account.id
    returning a.next_sync_at into v_next;

  else  -- rate_limited: the later of 15 minutes and Meta's regain time
    v_backoff := greatest(p_now + interval '15 minutes', p_regain_at);
    update meta_sync.meta_ad_accounts a
    set rate_limit_backoff_until = greatest(a.rate_limit_backoff_until, v_backoff),
        last_sync_error = coalesce(p_error, 'rate limited by Meta'),
        last_sync_attempt_at = p_now,
        next_sync_at = case when a.phase_1_completed_at is null then null
                            else greatest(a.next_sync_at, a.rate_limit_backoff_until, v_backoff) end,
        updated_at = p_now
    where a.id = v_account.id
    returning a.next_sync_at into v_next;
  end if;
  return v_next;
end;
$$;
comment on function meta_sync.update_meta_sync_status(text, text, text, timestamptz, date, timestamptz) is
  'Records a sync outcome and returns the new next_sync_at. success: last_meta_sync_at = p_now, next due from the tier, errors reset, insights freshness advanced to p_fresh_through (never backwards). error: count + message, retry after least(interval, 5 min * 2^(count-1)). rate_limited: rate_limit_backoff_until = greatest(p_now + 15 min, p_regain_at), next_sync_at not before it. Bad outcome -> 22023, malformed id -> 22007, unknown account -> P0002.';

-- ==== 0149_function_plan_insights_chunk_days.sql ==============================================

-- How many days one insights chunk may hold: estimated rows (live ads x days) against
-- sync_planner_settings.insights_rows_per_chunk, so a small account's 28-day settle is one
-- chunk (one insights page, one call) and a large account's days are cut to fit a page.

create function meta_sync.plan_insights_chunk_days(
  p_account_id         text,
  p_days               integer,
  p_default_chunk_days integer
)
returns integer
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_rows integer;
  v_ads  bigint;
begin
  if p_days is null or p_days < 1 or p_default_chunk_days is null or p_default_chunk_days < 1 then
    raise exception 'days and default chunk days must be at least 1, got % and %', p_days, p_default_chunk_days
      using errcode = '22023';
  end if;
  select s.insights_rows_per_chunk into v_rows from meta_sync.sync_planner_settings s;
  -- Counting past v_rows changes nothing (one day per chunk either way): big accounts stop there.
  select count(*) into v_ads
  from (select 1 from meta_sync.meta_ads ad
        where ad.account_id = p_account_id and not ad.is_deleted
        limit v_rows + 1) live;
  -- Ads unknown: the structure was never read and no ad is stored.
  if v_ads = 0 and not exists (select 1 from meta_sync.data_freshness f
                               where f.account_id = p_account_id and f.dataset = 'structure') then
    return p_default_chunk_days;
  end if;
  if v_ads * p_days <= v_rows then
    return p_days;
  end if;
  return greatest(1, (v_rows / v_ads)::integer);
end;
$$;
comment on function meta_sync.plan_insights_chunk_days(text, integer, integer) is
  'Internal planner helper: days per insights chunk for p_days days of an account. Estimated rows = live ads (meta_ads not deleted) x days; p_days (one chunk) when that is at most sync_planner_settings.insights_rows_per_chunk, else the most days that fit, at least 1; p_default_chunk_days when the ads are unknown (no structure read, no ad stored). Days < 1 -> 22023.';

-- ==== 0150_function_create_sync_job.sql =======================================================

-- One job with its chunks: an optional structure chunk, then insights chunks newest first.

create function meta_sync.create_sync_job(
  p_account_id     text,
  p_phase          meta_sync.sync_phase,
  p_type           meta_sync.sync_type,
  p_since          date,
  p_until          date,
  p_chunk_days     integer,
  p_with_structure boolean,
  p_updated_since  timestamptz default null,
  p_requested_by   text default null,
  p_now            timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account   meta_sync.meta_ad_accounts;
  v_priority  smallint;
  v_job_id    bigint;
  v_structure bigint;
  v_order     integer := 0;
  v_until     date := p_until;
  v_since     date;
begin
  if p_since is null or p_until is null or p_since > p_until then
    raise exception 'invalid date range % .. %', p_since, p_until using errcode = '22023';
  end if;
  if p_chunk_days is null or p_chunk_days < 1 then
    raise exception 'chunk size must be at least 1 day, got %', p_chunk_days using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  v_priority := meta_sync.chunk_priority(p_phase, v_account.meta_sync_priority);

  -- The unique partial indexes on sync_jobs refuse a second open job of the same kind.
  insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type, date_since,
                                   date_until, requested_by, created_at, updated_at)
  values (v_account.id, v_account.organization_id, p_phase, p_type, p_since, p_until,
          p_requested_by, p_now, p_now)
  on conflict do nothing
  returning id into v_job_id;
  if v_job_id is null then
    return null;
  end if;

  if p_with_structure then
    insert into meta_sync.sync_job_chunks (job_id, account_id, chunk_type, updated_since,
                                           chunk_order, priority, run_after, created_at)
    values (v_job_id, v_account.id, 'structure', p_updated_since, 0, v_priority, p_now, p_now)
    returning id into v_structure;
  end if;

  -- Newest slice first: chunk_order and id (the claim's tie-breaker) both run backwards in time.
  while v_until >= p_since loop
    v_order := v_order + 1;
    v_since := greatest(p_since, v_until - (p_chunk_days - 1));
    insert into meta_sync.sync_job_chunks (job_id, account_id, depends_on_chunk_id, chunk_type,
                                           date_since, date_until, chunk_order, priority,
                                           run_after, created_at)
    values (v_job_id, v_account.id, v_structure, 'insights', v_since, v_until, v_order, v_priority,
            p_now, p_now);
    v_until := v_since - 1;
  end loop;

  update meta_sync.sync_jobs j
  set total_chunks = v_order + (case when p_with_structure then 1 else 0 end)
  where j.id = v_job_id;
  return v_job_id;
end;
$$;
comment on function meta_sync.create_sync_job(text, meta_sync.sync_phase, meta_sync.sync_type, date, date, integer, boolean, timestamptz, text, timestamptz) is
  'Internal planner: inserts a job for [p_since, p_until] with an optional structure chunk (order 0) and insights chunks of p_chunk_days, newest first (order 1..n), each depending on the structure chunk; priority = chunk_priority(phase, tier), total_chunks filled, every timestamp p_now. Returns NULL (and creates nothing) when an open job of the same kind exists (unique partial indexes).';

-- ==== 0151_function_start_account_onboarding.sql ==============================================

-- Onboarding phase 1: structure, then the last 90 days (account time zone), newest first.

create function meta_sync.start_account_onboarding(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account  meta_sync.meta_ad_accounts;
  v_settings meta_sync.sync_planner_settings;
  v_job_id   bigint;
  v_today    date;
  v_since    date;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  -- Idempotent: an open or completed phase 1 is the answer.
  select j.id into v_job_id
  from meta_sync.sync_jobs j
  where j.account_id = v_account.id
    and j.sync_phase = 'recent_90_days'
    and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors')
  order by j.id desc
  limit 1;
  if v_job_id is not null then
    return v_job_id;
  end if;

  select s.* into v_settings from meta_sync.sync_planner_settings s;
  v_today := meta_sync.account_today(v_account.timezone_name, p_now);
  v_since := v_today - (v_settings.phase_1_days - 1);
  -- An account younger than phase 1 is read from the day it was created.
  if v_account.created_time is not null then
    v_since := greatest(v_since, least(v_today,
      meta_sync.account_today(v_account.timezone_name, v_account.created_time)));
  end if;
  return meta_sync.create_sync_job(
    v_account.id, 'recent_90_days', 'initial', v_since, v_today,
    -- A first onboarding knows no ads yet: phase_1_chunk_days. A retry after a failed phase 1
    -- may know them from its structure chunk.
    meta_sync.plan_insights_chunk_days(v_account.id, v_today - v_since + 1,
                                       v_settings.phase_1_chunk_days),
    true, null, 'onboarding', p_now);
end;
$$;
comment on function meta_sync.start_account_onboarding(text, timestamptz) is
  'Phase 1 of onboarding: a recent_90_days/initial job with a structure chunk and insights chunks over the last sync_planner_settings.phase_1_days (90) ending today in the account time zone (not before its creation day), newest first, cut by plan_insights_chunk_days (phase_1_chunk_days while the ads are unknown, as on a first onboarding), each depending on the structure chunk. Idempotent: returns the existing open or completed phase-1 job. Malformed id -> 22007, unknown account -> P0002.';

-- ==== 0152_function_enqueue_historical_backfill.sql ===========================================

-- Onboarding phase 2: from the account's creation (at most 37 months back) to the day before
-- phase 1's first day, in 90-day periods, newest first.

create function meta_sync.enqueue_historical_backfill(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account  meta_sync.meta_ad_accounts;
  v_settings meta_sync.sync_planner_settings;
  v_job_id   bigint;
  v_phase_1  date;
  v_floor    date;
  v_since    date;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  select j.id into v_job_id
  from meta_sync.sync_jobs j
  where j.account_id = v_account.id
    and j.sync_phase = 'historical_backfill'
    and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors')
  order by j.id desc
  limit 1;
  if v_job_id is not null then
    return v_job_id;
  end if;

  -- Phase 2 ends exactly where phase 1 begins: no gap, no overlap.
  select j.date_since into v_phase_1
  from meta_sync.sync_jobs j
  where j.account_id = v_account.id
    and j.sync_phase = 'recent_90_days'
    and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors')
  order by j.id desc
  limit 1;
  if v_phase_1 is null then
    raise exception 'ad account % has no phase 1 job: start_account_onboarding first', v_account.id
      using errcode = '55000';
  end if;

  select s.* into v_settings from meta_sync.sync_planner_settings s;
  v_floor := (meta_sync.account_today(v_account.timezone_name, p_now)
              - pg_catalog.make_interval(months => v_settings.history_limit_months))::date
             + v_settings.history_margin_days;
  v_since := greatest(v_floor,
    meta_sync.account_today(v_account.timezone_name, v_account.created_time));
  if v_since > v_phase_1 - 1 then
    return null;  -- nothing older than phase 1
  end if;
  return meta_sync.create_sync_job(
    v_account.id, 'historical_backfill', 'initial', v_since, v_phase_1 - 1,
    v_settings.phase_2_period_days, false, null, 'onboarding', p_now);
end;
$$;
comment on function meta_sync.enqueue_historical_backfill(text, timestamptz) is
  'Phase 2 of onboarding: a historical_backfill/initial job of insights chunks (sync_planner_settings.phase_2_period_days = 90, newest first) from the account''s creation day (account time zone), but not before today - history_limit_months (37) + history_margin_days, to the day before phase 1''s first day. Returns NULL when there is nothing older; the existing open or completed phase-2 job when there is one. No phase 1 job -> 55000.';

-- ==== 0153_function_finish_onboarding_phase.sql ===============================================

-- Onboarding bookkeeping when a phase job is final: timestamps, schedule, phase 2.

create function meta_sync.finish_onboarding_phase(
  p_job_id bigint,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_job     meta_sync.sync_jobs;
  v_account meta_sync.meta_ad_accounts;
  v_phase_2 bigint;
begin
  select j.* into v_job from meta_sync.sync_jobs j where j.id = p_job_id;
  if not found then
    raise exception 'no sync job %', coalesce(p_job_id::text, 'null') using errcode = 'P0002';
  end if;
  if v_job.sync_phase not in ('recent_90_days', 'historical_backfill')
     or v_job.status in ('failed', 'cancelled') then
    return null;  -- not an onboarding phase, or it did not happen: nothing to record
  end if;
  if v_job.status in ('pending', 'in_progress') then
    raise exception 'sync job % is still %', p_job_id, v_job.status using errcode = '55000';
  end if;
  v_account := meta_sync.lock_ad_account(v_job.account_id);

  if v_job.sync_phase = 'historical_backfill' then
    update meta_sync.meta_ad_accounts a
    set phase_2_completed_at = coalesce(a.phase_2_completed_at, p_now), updated_at = p_now
    where a.id = v_account.id;
    return null;
  end if;

  -- Phase 1 done: the schedule starts (trigger: next_sync_at from the tier), the settle clock too.
  if v_account.phase_1_completed_at is null then
    update meta_sync.meta_ad_accounts a
    set phase_1_completed_at = p_now,
        last_meta_sync_at = p_now,
        last_settle_at = coalesce(a.last_settle_at, p_now),
        latest_meta_data_date = greatest(a.latest_meta_data_date, v_job.date_until),
        updated_at = p_now
    where a.id = v_account.id;
  end if;
  -- The incremental range starts after fresh_through: make it phase 1's last day at least.
  insert into meta_sync.data_freshness as f (account_id, dataset, fresh_through, synced_at)
  values (v_account.id, 'insights', v_job.date_until, p_now)
  on conflict (account_id, dataset) do update
    set fresh_through = greatest(f.fresh_through, excluded.fresh_through);

  v_phase_2 := meta_sync.enqueue_historical_backfill(v_account.id, p_now);
  if v_phase_2 is null then
    update meta_sync.meta_ad_accounts a
    set phase_2_completed_at = coalesce(a.phase_2_completed_at, p_now), updated_at = p_now
    where a.id = v_account.id;
  end if;
  return v_phase_2;
end;
$$;
comment on function meta_sync.finish_onboarding_phase(bigint, timestamptz) is
  'Called when a job becomes final. Phase 1 (recent_90_days, completed or completed_with_errors): phase_1_completed_at = last_meta_sync_at = p_now (next_sync_at from the tier), last_settle_at, insights fresh_through >= the job''s date_until, then phase 2 is enqueued (its job id returned) or, with nothing older, phase_2_completed_at set. Phase 2: phase_2_completed_at. Other phases, failed or cancelled jobs: no-op, NULL. Idempotent. Unknown job -> P0002, job still open -> 55000.';

-- ==== 0154_function_enqueue_incremental_sync.sql ==============================================

-- The tier schedule's job: structure since the last structure sync, insights from the day after
-- fresh_through (or the tier's re-read window, whichever is earlier) to today.

create function meta_sync.enqueue_incremental_sync(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account   meta_sync.meta_ad_accounts;
  v_settings  meta_sync.sync_planner_settings;
  v_days      integer;
  v_today     date;
  v_fresh     date;
  v_structure timestamptz;
  v_since     date;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  select s.* into v_settings from meta_sync.sync_planner_settings s;
  select c.date_range_days into v_days
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  select f.fresh_through into v_fresh
  from meta_sync.data_freshness f where f.account_id = v_account.id and f.dataset = 'insights';
  select f.synced_at into v_structure
  from meta_sync.data_freshness f where f.account_id = v_account.id and f.dataset = 'structure';

  v_today := meta_sync.account_today(v_account.timezone_name, p_now);
  -- least() ignores a NULL fresh_through; after a long pause the range reaches back to it: no gap.
  v_since := least(v_today - (v_days - 1), v_fresh + 1);
  -- Never earlier than Meta serves.
  v_since := greatest(v_since, (v_today - pg_catalog.make_interval(
    months => v_settings.history_limit_months))::date + v_settings.history_margin_days);
  return meta_sync.create_sync_job(
    v_account.id, 'incremental', 'incremental', v_since, v_today,
    meta_sync.plan_insights_chunk_days(v_account.id, v_today - v_since + 1,
                                       v_settings.incremental_chunk_days), true,
    v_structure - pg_catalog.make_interval(mins => v_settings.structure_overlap_minutes),
    'schedule', p_now);
end;
$$;
comment on function meta_sync.enqueue_incremental_sync(text, timestamptz) is
  'Creates the scheduled incremental job of one account: a structure chunk (updated_since = data_freshness structure synced_at - structure_overlap_minutes, NULL the first time) and insights chunks over [least(today - date_range_days + 1, insights fresh_through + 1), today] in the account time zone, cut by plan_insights_chunk_days (estimated rows; incremental_chunk_days when the ads are unknown). NULL when an open incremental job exists.';

-- ==== 0155_function_enqueue_settle_sync.sql ===================================================

-- The daily attribution settle: re-read the last settle_lookback_days (28) before today.

create function meta_sync.enqueue_settle_sync(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account  meta_sync.meta_ad_accounts;
  v_settings meta_sync.sync_planner_settings;
  v_lookback integer;
  v_today    date;
  v_job_id   bigint;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  select s.* into v_settings from meta_sync.sync_planner_settings s;
  select c.settle_lookback_days into v_lookback
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  v_today := meta_sync.account_today(v_account.timezone_name, p_now);
  -- Today and the last days are re-read by the tier schedule anyway: settle the 28 days before.
  v_job_id := meta_sync.create_sync_job(
    v_account.id, 'settle', 'incremental', v_today - v_lookback, v_today - 1,
    meta_sync.plan_insights_chunk_days(v_account.id, v_lookback, v_settings.settle_chunk_days),
    false, null, 'settle', p_now);
  if v_job_id is not null then
    update meta_sync.meta_ad_accounts a
    set last_settle_at = p_now, updated_at = p_now
    where a.id = v_account.id;
  end if;
  return v_job_id;
end;
$$;
comment on function meta_sync.enqueue_settle_sync(text, timestamptz) is
  'Creates the daily settle job of one account: insights chunks (plan_insights_chunk_days: one chunk when live ads x days fits insights_rows_per_chunk; settle_chunk_days when the ads are unknown) over the meta_sync_config.settle_lookback_days (28) days before today in the account time zone; sets last_settle_at = p_now. NULL when an open settle job exists.';

-- ==== 0160_function_enqueue_due_syncs.sql =====================================================

-- Turns the schedule into work: onboarding for new accounts, incremental jobs for due ones, the
-- daily settle; while the app is throttled only HIGH accounts get anything.

create function meta_sync.enqueue_due_syncs(
  p_limit integer default 1000,
  p_now timestamptz default now()
)
returns table (job_id bigint, account_id text, sync_phase meta_sync.sync_phase)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_left      integer := p_limit;
  v_throttled boolean;
  v_account   text;
  v_job_id    bigint;
begin
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'p_limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  -- One enqueuer at a time; a concurrent caller returns at once (the other one does the work).
  -- The unique partial indexes on sync_jobs are the second line: no duplicate job either way.
  if not pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('meta_sync.enqueue_due_syncs')) then
    return;
  end if;
  v_throttled := exists (
    select 1 from meta_sync.meta_rate_limit_state r
    where r.scope_type = 'app' and r.blocked_until > p_now);

  -- (a) Accounts never onboarded: phase 1.
  for v_account in
    select a.id::text
    from meta_sync.meta_ad_accounts a
    join meta_sync.meta_sync_config cfg on cfg.tier = a.meta_sync_priority
    where a.phase_1_completed_at is null
      and not a.paused
      -- After a failure, not before the error backoff (5, 10, 20 ... minutes, at most the tier
      -- interval: update_meta_sync_status's rule); meta_sync_status.onboarding_retry_at shows it.
      and (a.sync_error_count = 0 or a.last_sync_attempt_at is null
           or a.last_sync_attempt_at + pg_catalog.make_interval(mins => least(
                cfg.interval_minutes, (5 * power(2, least(a.sync_error_count, 20) - 1))::integer)) <= p_now)
      and (not v_throttled or a.meta_sync_priority = 'high')
      and (a.rate_limit_backoff_until is null or a.rate_limit_backoff_until <= p_now)
      and exists (select 1 from meta_sync.meta_connections c
                  where c.id = a.connection_id and c.status = 'active')
      and not exists (select 1 from meta_sync.sync_jobs j
                      where j.account_id = a.id and j.sync_phase = 'recent_90_days'
                        and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors'))
    order by a.meta_sync_priority, a.created_at, a.id
    limit v_left
  loop
    v_job_id := meta_sync.start_account_onboarding(v_account, p_now);
    job_id := v_job_id; account_id := v_account; sync_phase := 'recent_90_days';
    return next;
    v_left := v_left - 1;
  end loop;

  -- (b) Due accounts: the tier schedule (HIGH first, most overdue first).
  if v_left > 0 then
    for v_account in
      select d.account_id
      from meta_sync.get_meta_accounts_due_for_sync(v_left, p_now) d
      where not v_throttled or d.tier = 'high'
    loop
      v_job_id := meta_sync.enqueue_incremental_sync(v_account, p_now);
      if v_job_id is not null then
        job_id := v_job_id; account_id := v_account; sync_phase := 'incremental';
        return next;
        v_left := v_left - 1;
      end if;
    end loop;
  end if;

  -- (c) The daily settle of onboarded accounts.
  if v_left > 0 then
    for v_account in
      select a.id::text
      from meta_sync.meta_sync_config cfg
      join meta_sync.meta_ad_accounts a on a.meta_sync_priority = cfg.tier
      where a.phase_1_completed_at is not null
        and not a.paused
        and (not v_throttled or a.meta_sync_priority = 'high')
        and (a.last_settle_at is null
             or a.last_settle_at <= p_now - pg_catalog.make_interval(mins => cfg.settle_interval_minutes))
        and (a.rate_limit_backoff_until is null or a.rate_limit_backoff_until <= p_now)
        and exists (select 1 from meta_sync.meta_connections c
                    where c.id = a.connection_id and c.status = 'active')
        and not exists (select 1 from meta_sync.sync_jobs j
                        where j.account_id = a.id and j.sync_phase = 'settle'
                          and j.status in ('pending', 'in_progress'))
      order by a.meta_sync_priority, a.last_settle_at nulls first, a.id
      limit v_left
    loop
      v_job_id := meta_sync.enqueue_settle_sync(v_account, p_now);
      if v_job_id is not null then
        job_id := v_job_id; account_id := v_account; sync_phase := 'settle';
        return next;
        v_left := v_left - 1;
      end if;
    end loop;
  end if;
end;
$$;
comment on function meta_sync.enqueue_due_syncs(integer, timestamptz) is
  'Creates at most p_limit jobs and returns them: (a) phase 1 for accounts never onboarded (after a failed phase 1, not before last_sync_attempt_at + least(tier interval, 5 min * 2^(sync_error_count - 1))), (b) an incremental job for each account of get_meta_accounts_due_for_sync, (c) a settle job for onboarded accounts whose last_settle_at is older than their tier''s settle_interval_minutes. Paused, backed-off and inactive-connection accounts are skipped; while an app-scope meta_rate_limit_state row is blocked past p_now only HIGH accounts are enqueued. Safe concurrently (advisory lock, unique partial indexes): a concurrent call returns nothing. p_limit outside 1..10000 -> 22023.';

create index if not exists meta_ad_accounts_onboarding_idx
  on meta_sync.meta_ad_accounts (meta_sync_priority, created_at)
  where phase_1_completed_at is null and not paused;
comment on index meta_sync.meta_ad_accounts_onboarding_idx is
  'enqueue_due_syncs (a): the few accounts still waiting for onboarding phase 1.';
create index if not exists meta_ad_accounts_settle_idx
  on meta_sync.meta_ad_accounts (meta_sync_priority, last_settle_at)
  where phase_1_completed_at is not null and not paused;
comment on index meta_sync.meta_ad_accounts_settle_idx is
  'enqueue_due_syncs (c): onboarded accounts by last settle, per tier.';

-- ==== 0170_view_meta_sync_status.sql ==========================================================

-- The admin's one view: where every account stands. No token column, ever.

create view meta_sync.meta_sync_status
with (security_invoker = true)
as
select
  o.id                                   as organization_id,
  o.name                                 as organization_name,
  a.id::text                             as account_id,
  a.name                                 as account_name,
  a.meta_sync_priority                   as tier,
  a.paused,
  a.last_meta_sync_at,
  a.next_sync_at,
  round((extract(epoch from a.next_sync_at - now()) / 60)::numeric, 1) as minutes_until_next_sync,
  (not a.paused and a.next_sync_at is not null and a.next_sync_at <= now()) as is_due,
  a.sync_error_count,
  a.last_sync_error,
  a.rate_limit_backoff_until,
  c.status                               as connection_status,
  f.fresh_through                        as insights_fresh_through,
  a.phase_1_completed_at,
  a.phase_2_completed_at,
  j.id                                   as running_job_id,
  j.sync_phase                           as running_job_phase,
  j.status                               as running_job_status,
  j.progress_percentage                  as running_job_progress_percentage,
  j.estimated_completion_at              as running_job_eta,
  -- Same rule as enqueue_due_syncs (a): a failed phase 1 waits for the error backoff.
  case when a.phase_1_completed_at is null and a.sync_error_count > 0
            and a.last_sync_attempt_at is not null
            and not exists (select 1 from meta_sync.sync_jobs pj
                            where pj.account_id = a.id and pj.sync_phase = 'recent_90_days'
                              and pj.status in ('pending', 'in_progress', 'completed', 'completed_with_errors'))
       then a.last_sync_attempt_at + pg_catalog.make_interval(mins => least(
              cfg.interval_minutes, (5 * power(2, least(a.sync_error_count, 20) - 1))::integer))
  end                                    as onboarding_retry_at
from meta_sync.meta_ad_accounts a
join meta_sync.organizations o on o.id = a.organization_id
left join meta_sync.meta_sync_config cfg on cfg.tier = a.meta_sync_priority
left join meta_sync.meta_connections c on c.id = a.connection_id
left join meta_sync.data_freshness f on f.account_id = a.id and f.dataset = 'insights'
left join lateral (
  select jj.id, jj.sync_phase, jj.status, jj.progress_percentage, jj.estimated_completion_at
  from meta_sync.sync_jobs jj
  where jj.account_id = a.id and jj.status in ('pending', 'in_progress')
  order by (jj.status = 'in_progress') desc, meta_sync.chunk_priority(jj.sync_phase, a.meta_sync_priority), jj.id
  limit 1
) j on true;
comment on view meta_sync.meta_sync_status is
  'One row per ad account: organization, tier, paused, last/next sync, minutes until next sync, due flag, errors, backoff, connection status (never the token), insights fresh_through, onboarding phases, the running (else the next pending) job with its progress and ETA, and onboarding_retry_at: when a failed onboarding phase 1 is enqueued again (NULL unless it failed and is not open).';

-- ==== 0200_function_lock_leased_chunk.sql =====================================================

-- The lease check shared by complete, fail and split: lock the chunk row and insist that the
-- caller still holds its lease (current token, not expired).

create function meta_sync.lock_leased_chunk(
  p_chunk_id    bigint,
  p_lease_token uuid,
  p_now         timestamptz default now()
)
returns meta_sync.sync_job_chunks
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk meta_sync.sync_job_chunks;
begin
  -- Row lock first: a concurrent requeue/cancel/complete of the same chunk waits for us (or we
  -- for it) and then sees the final state, so exactly one of them wins.
  select c.* into v_chunk
  from meta_sync.sync_job_chunks as c
  where c.id = p_chunk_id
  for update;

  if not found then
    raise exception 'no such chunk: %', p_chunk_id using errcode = 'P0002';
  end if;

  if v_chunk.status is distinct from 'in_progress'
     or v_chunk.lease_token is distinct from p_lease_token then
    raise exception 'lease lost on chunk %: it is % and the lease token is not current',
      p_chunk_id, v_chunk.status
      using errcode = '55000',
            hint = 'Another worker owns the chunk now, or it was cancelled: drop this work.';
  end if;

  if v_chunk.locked_until <= p_now then
    raise exception 'lease expired on chunk % at %', p_chunk_id, v_chunk.locked_until
      using errcode = '55000',
            hint = 'Heartbeat more often than the lease length; the chunk will be requeued.';
  end if;

  return v_chunk;
end;
$$;
comment on function meta_sync.lock_leased_chunk(bigint, uuid, timestamptz) is
  'Internal: locks a chunk FOR UPDATE and returns it when p_lease_token is its current, unexpired lease; else 55000 ("lease ...") or P0002 (no such chunk).';

-- ==== 0201_function_apply_chunk_outcome.sql ===================================================

-- One place where a chunk outcome reaches its job: counters, progress, ETA, the final status and
-- the scheduling hooks run when the job ends.

create function meta_sync.apply_chunk_outcome(
  p_job_id        bigint,
  p_completed     integer default 0,
  p_failed        integer default 0,
  p_total_delta   integer default 0,
  p_rows_written  bigint default 0,
  p_api_calls     integer default 0,
  p_entity_counts jsonb default '{}',
  p_error         text default null,
  p_fresh_through date default null,
  p_now           timestamptz default now()
)
returns meta_sync.job_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_job       meta_sync.sync_jobs;
  v_total     integer;
  v_completed integer;
  v_failed    integer;
  v_finished  integer;
  v_avg       numeric;
  v_busy      numeric;
  v_elapsed   numeric;
  v_parallel  numeric;
  v_eta       timestamptz;
  v_status    meta_sync.job_status;
  v_final     boolean;
begin
  if jsonb_typeof(coalesce(p_entity_counts, '{}')) <> 'object' then
    raise exception 'entity counts must be a JSON object, got %', p_entity_counts
      using errcode = '22023';
  end if;

  -- The job row lock serialises the outcomes of one job (callers hold their chunk's lock).
  select j.* into v_job from meta_sync.sync_jobs as j where j.id = p_job_id for update;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;

  v_total     := v_job.total_chunks + p_total_delta;
  v_completed := v_job.completed_chunks + p_completed;
  v_failed    := v_job.failed_chunks + p_failed;
  v_finished  := v_completed + v_failed;
  v_final     := v_total > 0 and v_finished >= v_total
                 and v_job.status in ('pending', 'in_progress');

  -- ETA = remaining chunks x average chunk duration / observed parallelism, where parallelism =
  -- busy chunk-seconds / elapsed seconds since the job started (so it reflects how many workers
  -- really served this job). Without elapsed time yet, parallelism 1.
  select avg(c.actual_duration_seconds), sum(c.actual_duration_seconds)
  into v_avg, v_busy
  from meta_sync.sync_job_chunks as c
  where c.job_id = p_job_id and c.status in ('completed', 'failed')
    and c.actual_duration_seconds is not null;
  v_elapsed  := extract(epoch from p_now - coalesce(v_job.started_at, p_now));
  v_parallel := case when v_elapsed > 0 and v_busy > 0 then v_busy / v_elapsed else 1 end;
  v_eta := case
    when v_final or v_avg is null then null
    else p_now + make_interval(secs => (v_total - v_finished) * v_avg / v_parallel)
  end;

  v_status := case
    when not v_final then v_job.status
    when v_failed = 0 then 'completed'
    when v_completed = 0 then 'failed'
    else 'completed_with_errors'
  end::meta_sync.job_status;

  update meta_sync.sync_jobs as j set
    total_chunks            = v_total,
    completed_chunks        = v_completed,
    failed_chunks           = v_failed,
    campaigns_synced        = j.campaigns_synced + coalesce((p_entity_counts ->> 'campaigns')::integer, 0),
    adsets_synced           = j.adsets_synced + coalesce((p_entity_counts ->> 'adsets')::integer, 0),
    ads_synced              = j.ads_synced + coalesce((p_entity_counts ->> 'ads')::integer, 0),
    creatives_synced        = j.creatives_synced + coalesce((p_entity_counts ->> 'creatives')::integer, 0),
    insight_rows_written    = j.insight_rows_written + coalesce(p_rows_written, 0),
    api_calls               = j.api_calls + coalesce(p_api_calls, 0),
    last_error              = coalesce(p_error, j.last_error),
    progress_percentage     = case when v_total > 0
                                   then round(100.0 * least(v_finished, v_total) / v_total, 2)
                                   else 0 end,
    estimated_completion_at = v_eta,
    status                  = v_status,
    completed_at            = case when v_final then p_now else j.completed_at end,
    updated_at              = p_now
  where j.id = p_job_id;

  if v_final then
    perform meta_sync.finish_sync_job(p_job_id, v_status, p_fresh_through, p_now);
  end if;
  return v_status;
end;
$$;
comment on function meta_sync.apply_chunk_outcome(bigint, integer, integer, integer, bigint, integer, jsonb, text, date, timestamptz) is
  'Internal: adds a chunk outcome to its job (counts, rows, calls, entity counts), recomputes progress and the ETA (remaining x average chunk duration / observed parallelism, parallelism = busy chunk-seconds / elapsed job seconds) and, when every chunk is final, ends the job (completed, completed_with_errors or failed) and runs finish_sync_job.';

-- ==== 0202_function_finish_sync_job.sql =======================================================

-- What happens when a job ends: the scheduling engine learns the outcome (sql/01xx, "Scheduling
-- API" in sql/README.md).

create function meta_sync.finish_sync_job(
  p_job_id        bigint,
  p_status        meta_sync.job_status,
  p_fresh_through date default null,
  p_now           timestamptz default now()
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_job        meta_sync.sync_jobs;
  v_fresh      date;
  v_contiguous boolean;
begin
  select j.* into v_job from meta_sync.sync_jobs as j where j.id = p_job_id;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;

  -- Onboarding phases: phase timestamps, freshness, phase 2 enqueued after phase 1. A no-op for
  -- other phases and for failed jobs (the scheduler's contract), so it is always called.
  perform meta_sync.finish_onboarding_phase(p_job_id, p_now);

  if p_status = 'failed' then
    perform meta_sync.update_meta_sync_status(
      v_job.account_id, 'error',
      p_error => coalesce(v_job.last_error, 'every chunk of job ' || p_job_id || ' failed'),
      p_now => p_now);
  elsif v_job.sync_phase in ('incremental', 'settle', 'manual') then
    -- Insights are fresh through the job's end only when its range touches what was already
    -- fresh: a range further ahead would leave a gap behind the fresh-through date.
    select f.fresh_through into v_fresh
    from meta_sync.data_freshness as f
    where f.account_id = v_job.account_id and f.dataset = 'insights';
    v_contiguous := v_fresh is not null and v_job.date_since <= v_fresh + 1;
    if v_job.sync_phase = 'manual' and not v_contiguous then
      -- A custom range elsewhere in history: its rows are stored, the schedule is untouched.
      return;
    end if;
    -- completed: fresh through the job's end unless the worker said otherwise;
    -- completed_with_errors: only what the worker vouched for (NULL = unchanged).
    perform meta_sync.update_meta_sync_status(
      v_job.account_id, 'success',
      p_fresh_through => case when not v_contiguous then null
                              when p_status = 'completed'
                              then coalesce(p_fresh_through, v_job.date_until)
                              else p_fresh_through end,
      p_now => p_now);
    if v_job.sync_phase = 'settle' then
      update meta_sync.meta_ad_accounts as a
      set last_settle_at = p_now, updated_at = p_now
      where a.id = v_job.account_id;
    end if;
  end if;
end;
$$;
comment on function meta_sync.finish_sync_job(bigint, meta_sync.job_status, date, timestamptz) is
  'Internal, called once when a job reaches a final status by its chunks: finish_onboarding_phase (onboarding phases; a no-op otherwise); a failed job (every chunk failed) -> update_meta_sync_status error; a completed incremental/settle/manual job -> update_meta_sync_status success with fresh_through = p_fresh_through or the job''s date_until (completed_with_errors: p_fresh_through only), advanced only when the job''s range touches the current fresh-through date (no gap); a manual job elsewhere in history leaves the schedule alone; a webhook job (structure only) leaves the insights schedule alone; settle jobs also set meta_ad_accounts.last_settle_at.';

-- ==== 0203_function_claim_sync_chunks.sql =====================================================

-- Workers claim chunks here: FOR UPDATE SKIP LOCKED, then a lease. Never two owners at once.

create function meta_sync.claim_sync_chunks(
  p_worker        text,
  p_limit         integer default 1,
  p_lease_seconds integer default 120,
  p_now           timestamptz default now(),
  p_per_account   integer default null
)
returns table (
  chunk_id        bigint,
  lease_token     uuid,
  locked_until    timestamptz,
  job_id          bigint,
  account_id      text,
  organization_id uuid,
  connection_id   uuid,
  timezone_name   text,
  currency        text,
  sync_phase      meta_sync.sync_phase,
  chunk_type      meta_sync.chunk_type,
  date_since      date,
  date_until      date,
  campaign_ids    text[],
  updated_since   timestamptz,
  retry_count     integer,
  max_retries     integer,
  claimed_count   integer,
  parent_chunk_id bigint
)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_held jsonb := '{}';   -- account -> chunks p_worker has in progress (with p_per_account)
begin
  if p_worker is null or btrim(p_worker) = '' then
    raise exception 'worker name must not be blank' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'limit must be between 1 and 1000, got %', p_limit using errcode = '22023';
  end if;
  if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
    raise exception 'lease must be between 1 and 86400 seconds, got %', p_lease_seconds
      using errcode = '22023';
  end if;
  if p_per_account is not null and p_per_account not between 1 and 1000 then
    raise exception 'per-account limit must be between 1 and 1000, got %', p_per_account
      using errcode = '22023';
  end if;
  if p_per_account is not null then
    -- The running chunks are few (sync_job_chunks_lease_idx covers exactly them).
    select coalesce(jsonb_object_agg(h.account_id, h.n), '{}') into v_held
    from (select r.account_id, count(*) as n from meta_sync.sync_job_chunks as r
          where r.status = 'in_progress' and r.locked_by = p_worker
          group by r.account_id) as h;
  end if;

  return query
  with candidates as (
    -- 1. The claimable chunks, best first (sync_job_chunks_claimable_idx), locked; rows
    --    another claimer holds are skipped, rows it already took fail the recheck of status.
    --    The chunk index drives the scan (priority, run_after, id, no sort); the other
    --    conditions are scalar sub-selects by primary key, evaluated only for the rows the scan
    --    reaches (the planner cannot turn them into joins over the whole queue), so a claim costs
    --    O(p_limit + skipped rows), not O(queue).
    select c.id, c.account_id, c.priority, c.run_after
    from meta_sync.sync_job_chunks as c
    where c.status = 'pending'
      and c.run_after <= p_now
      and (select j.status in ('pending', 'in_progress')   -- job still open (not cancelled)
           from meta_sync.sync_jobs as j where j.id = c.job_id)
      and (select not a.paused                              -- account callable now
                  and (a.rate_limit_backoff_until is null or a.rate_limit_backoff_until <= p_now)
                  and coalesce(mc.status = 'active', false)
           from meta_sync.meta_ad_accounts as a
           left join meta_sync.meta_connections as mc on mc.id = a.connection_id
           where a.id = c.account_id)
      and (p_per_account is null                            -- accounts p_worker has enough of
           or coalesce((v_held ->> c.account_id)::integer, 0) < p_per_account)
      and coalesce(                                         -- prerequisite done (or failed)
        (select d.status from meta_sync.sync_job_chunks as d where d.id = c.depends_on_chunk_id),
        'completed') not in ('pending', 'in_progress')
    order by c.priority, c.run_after, c.id
    limit p_limit
    for update of c skip locked
  ),
  allowed as (
    -- 1b. With p_per_account: per account, what this worker holds plus what it takes now stays
    --     within the limit (the rows left out stay pending; their row locks end with the claim).
    select r.id
    from (select k.id, k.account_id,
                 row_number() over (partition by k.account_id
                                    order by k.priority, k.run_after, k.id) as nth
          from candidates as k) as r
    where p_per_account is null
       or r.nth + coalesce((v_held ->> r.account_id)::integer, 0) <= p_per_account
  ),
  claimed as (
    -- 2. The lease: a new token on every claim, so an earlier owner can no longer finish.
    update meta_sync.sync_job_chunks as c
    set status        = 'in_progress',
        locked_by     = p_worker,
        locked_until  = p_now + make_interval(secs => p_lease_seconds),
        lease_token   = gen_random_uuid(),
        claimed_count = c.claimed_count + 1,
        started_at    = p_now
    from allowed
    where c.id = allowed.id
    returning c.*
  ),
  jobs_to_start as (
    -- 3. Jobs still pending start now; locked in id order so claimers never deadlock.
    select j.id
    from meta_sync.sync_jobs as j
    where j.id in (select claimed.job_id from claimed) and j.status = 'pending'
    order by j.id
    for update of j
  ),
  started as (
    update meta_sync.sync_jobs as j
    set status = 'in_progress', started_at = coalesce(j.started_at, p_now), updated_at = p_now
    from jobs_to_start
    where j.id = jobs_to_start.id
    returning j.id
  )
  select cl.id, cl.lease_token, cl.locked_until, cl.job_id, cl.account_id::text,
         a.organization_id, a.connection_id, a.timezone_name, a.currency, j.sync_phase,
         cl.chunk_type, cl.date_since, cl.date_until, cl.campaign_ids, cl.updated_since,
         cl.retry_count, cl.max_retries, cl.claimed_count, cl.parent_chunk_id
  from claimed as cl
  join meta_sync.sync_jobs as j on j.id = cl.job_id
  join meta_sync.meta_ad_accounts as a on a.id = cl.account_id
  order by cl.priority, cl.run_after, cl.id;
end;
$$;
comment on function meta_sync.claim_sync_chunks(text, integer, integer, timestamptz, integer) is
  'Claims up to p_limit pending chunks due at p_now (priority, run_after, id order) with FOR UPDATE SKIP LOCKED, skipping chunks whose prerequisite chunk is pending or running, paused or backed-off accounts, accounts without an active connection, and jobs no longer open. With p_per_account, no account ends up with more than that many chunks in progress for p_worker: accounts it already runs that many of are skipped by the scan (not 1..1000 -> 22023). Each gets a lease (locked_by, locked_until = p_now + p_lease_seconds, a new lease_token); its job starts. Returns what the worker needs to run it.';

-- ==== 0204_function_heartbeat_sync_chunks.sql =================================================

-- A worker still busy with its chunks extends their leases.

create function meta_sync.heartbeat_sync_chunks(
  p_worker        text,
  p_chunk_ids     bigint[],
  p_lease_seconds integer default 120,
  p_now           timestamptz default now()
)
returns setof bigint
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
    raise exception 'lease must be between 1 and 86400 seconds, got %', p_lease_seconds
      using errcode = '22023';
  end if;

  -- Only live leases of this worker: an expired or taken-over lease is lost for good.
  return query
  update meta_sync.sync_job_chunks as c
  set locked_until = p_now + make_interval(secs => p_lease_seconds)
  where c.id = any (p_chunk_ids)
    and c.status = 'in_progress'
    and c.locked_by = p_worker
    and c.locked_until > p_now
  returning c.id;
end;
$$;
comment on function meta_sync.heartbeat_sync_chunks(text, bigint[], integer, timestamptz) is
  'Extends to p_now + p_lease_seconds the unexpired leases p_worker holds on p_chunk_ids; returns the ids extended. An id missing from the result is a lost lease: stop that work.';

-- ==== 0205_function_complete_sync_chunk.sql ===================================================

-- A chunk's work is done. Called in the same transaction that wrote the chunk's rows, so the
-- rows and the completion commit together (or neither does).

create function meta_sync.complete_sync_chunk(
  p_chunk_id      bigint,
  p_lease_token   uuid,
  p_rows_written  bigint default 0,
  p_api_calls     integer default 0,
  p_entity_counts jsonb default '{}',
  p_fresh_through date default null,
  p_now           timestamptz default now()
)
returns meta_sync.job_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk meta_sync.sync_job_chunks;
  v_tz    text;
begin
  if coalesce(p_rows_written, 0) < 0 or coalesce(p_api_calls, 0) < 0 then
    raise exception 'rows written and api calls must not be negative' using errcode = '22023';
  end if;

  -- 1. The caller must still hold the lease (locks the chunk row).
  v_chunk := meta_sync.lock_leased_chunk(p_chunk_id, p_lease_token, p_now);

  -- 2. The chunk is done; its lease ends. Its calls add to those of earlier failed attempts.
  update meta_sync.sync_job_chunks as c
  set status = 'completed',
      locked_by = null, locked_until = null, lease_token = null,
      rows_written = coalesce(p_rows_written, 0),
      api_calls = c.api_calls + coalesce(p_api_calls, 0),
      completed_at = p_now,
      actual_duration_seconds = greatest(extract(epoch from p_now - c.started_at), 0),
      last_error = null
  where c.id = p_chunk_id;

  -- 3. Structure read: the structure is fresh as of when the read started (the next incremental
  --    structure chunk reads updated_since from it).
  if v_chunk.chunk_type = 'structure' then
    select a.timezone_name into v_tz from meta_sync.meta_ad_accounts as a where a.id = v_chunk.account_id;
    insert into meta_sync.data_freshness as f (account_id, dataset, fresh_through, synced_at)
    values (v_chunk.account_id, 'structure', meta_sync.account_today(v_tz, v_chunk.started_at),
            v_chunk.started_at)
    on conflict (account_id, dataset) do update
      set fresh_through = greatest(f.fresh_through, excluded.fresh_through),
          synced_at = greatest(f.synced_at, excluded.synced_at);
  end if;

  -- 4. The job: counts, progress, ETA, and its end when this was the last chunk.
  return meta_sync.apply_chunk_outcome(
    v_chunk.job_id,
    p_completed     => 1,
    p_rows_written  => case when v_chunk.chunk_type = 'insights' then coalesce(p_rows_written, 0) else 0 end,
    p_api_calls     => coalesce(p_api_calls, 0),
    p_entity_counts => coalesce(p_entity_counts, '{}'),
    p_fresh_through => p_fresh_through,
    p_now           => p_now);
end;
$$;
comment on function meta_sync.complete_sync_chunk(bigint, uuid, bigint, integer, jsonb, date, timestamptz) is
  'Marks a leased chunk completed (rows, api calls added to those of earlier attempts, duration) and adds it to its job (counts, progress, ETA); the last chunk ends the job and informs the scheduler. Requires the current, unexpired lease token, else 55000 "lease ..." and nothing changes. Call it in the transaction that wrote the chunk''s rows. Returns the job status.';

-- ==== 0206_function_fail_sync_chunk.sql =======================================================

-- A chunk's attempt failed: retry later with exponential backoff, or fail it for good.

create function meta_sync.fail_sync_chunk(
  p_chunk_id    bigint,
  p_lease_token uuid,
  p_error       text,
  p_retryable   boolean default true,
  p_retry_after timestamptz default null,
  p_now         timestamptz default now(),
  p_api_calls   integer default 0
)
returns meta_sync.chunk_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk meta_sync.sync_job_chunks;
  v_delay interval;
  v_calls integer := coalesce(p_api_calls, 0);
begin
  if v_calls < 0 then
    raise exception 'api calls must not be negative, got %', v_calls using errcode = '22023';
  end if;
  v_chunk := meta_sync.lock_leased_chunk(p_chunk_id, p_lease_token, p_now);

  if coalesce(p_retryable, true) and v_chunk.retry_count < v_chunk.max_retries then
    -- Retry: 30 s x 2^retry_count, at most 1 h, or later if Meta said so (p_retry_after).
    v_delay := make_interval(secs => least(30 * power(2, v_chunk.retry_count), 3600));
    update meta_sync.sync_job_chunks as c
    set status = 'pending',
        locked_by = null, locked_until = null, lease_token = null,
        retry_count = c.retry_count + 1,
        run_after = greatest(p_now + v_delay, coalesce(p_retry_after, p_now)),
        api_calls = c.api_calls + v_calls,
        last_error = p_error
    where c.id = p_chunk_id;
    -- The job counts the calls; the chunk is not final, so nothing else changes.
    if v_calls > 0 then
      perform meta_sync.apply_chunk_outcome(v_chunk.job_id, p_api_calls => v_calls, p_now => p_now);
    end if;
    return 'pending';
  end if;

  -- Final failure. Chunks that depend on this one become claimable (a prerequisite that ended,
  -- even badly, no longer blocks: insights still run when their structure chunk failed).
  update meta_sync.sync_job_chunks as c
  set status = 'failed',
      locked_by = null, locked_until = null, lease_token = null,
      completed_at = p_now,
      actual_duration_seconds = greatest(extract(epoch from p_now - c.started_at), 0),
      api_calls = c.api_calls + v_calls,
      last_error = p_error
  where c.id = p_chunk_id;

  perform meta_sync.apply_chunk_outcome(v_chunk.job_id, p_failed => 1, p_api_calls => v_calls,
                                        p_error => p_error, p_now => p_now);
  return 'failed';
end;
$$;
comment on function meta_sync.fail_sync_chunk(bigint, uuid, text, boolean, timestamptz, timestamptz, integer) is
  'Ends a failed attempt of a leased chunk (lease checked like complete_sync_chunk). Retryable with retries left: pending again at greatest(p_retry_after, p_now + 30 s x 2^retry_count capped at 1 h), retry_count + 1. Otherwise failed for good: the job counts it (and may end); dependants are no longer blocked by it. Either way p_api_calls (the Graph calls the attempt cost) is added to the chunk and its job. Negative calls -> 22023. Returns the chunk''s new status.';

-- ==== 0207_function_split_sync_chunk.sql ======================================================

-- "Too much data": replace a leased insights chunk by two children that together cover exactly
-- the parent: halves of the date range, or for a one-day chunk halves of its campaign ids.

create function meta_sync.split_sync_chunk(
  p_chunk_id     bigint,
  p_lease_token  uuid,
  p_campaign_ids text[] default null,
  p_now          timestamptz default now(),
  p_api_calls    integer default 0
)
returns bigint[]
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk  meta_sync.sync_job_chunks;
  v_ids    text[];
  v_half   integer;
  v_mid    date;
  v_newer  bigint;
  v_older  bigint;
  v_calls  integer := coalesce(p_api_calls, 0);
begin
  if v_calls < 0 then
    raise exception 'p_api_calls must not be negative, got %', v_calls using errcode = '22023';
  end if;
  v_chunk := meta_sync.lock_leased_chunk(p_chunk_id, p_lease_token, p_now);

  if v_chunk.chunk_type <> 'insights' then
    raise exception 'chunk % is a % chunk: only insights chunks can be split', p_chunk_id, v_chunk.chunk_type
      using errcode = '55000';
  end if;

  if v_chunk.date_since < v_chunk.date_until then
    -- 1a. Two date halves [since, mid] and [mid + 1, until]; the newer half first (lower id).
    v_mid := v_chunk.date_since + (v_chunk.date_until - v_chunk.date_since) / 2;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_mid + 1, v_chunk.date_until, v_chunk.campaign_ids, v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_newer;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_chunk.date_since, v_mid, v_chunk.campaign_ids, v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_older;
  else
    -- 1b. One day: halve the campaign ids (the chunk's own, else those the worker read).
    v_ids := coalesce(v_chunk.campaign_ids, p_campaign_ids);
    if coalesce(cardinality(v_ids), 0) < 2 then
      raise exception 'chunk % covers one day and % campaign id(s): it cannot be split further',
        p_chunk_id, coalesce(cardinality(v_ids), 0)
        using errcode = '55000',
              hint = 'Pass the account''s campaign ids in p_campaign_ids, or fail the chunk.';
    end if;
    v_half := cardinality(v_ids) / 2;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_chunk.date_since, v_chunk.date_until, v_ids[1:v_half], v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_newer;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_chunk.date_since, v_chunk.date_until, v_ids[v_half + 1:], v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_older;
  end if;

  -- 2. The parent is replaced (final, not counted); its lease ends.
  update meta_sync.sync_job_chunks as c
  set status = 'split',
      locked_by = null, locked_until = null, lease_token = null,
      completed_at = p_now,
      actual_duration_seconds = greatest(extract(epoch from p_now - c.started_at), 0),
      api_calls = c.api_calls + v_calls,
      last_error = 'split: too much data'
  where c.id = p_chunk_id;

  -- 3. One chunk became two; the calls that found out count on the job.
  perform meta_sync.apply_chunk_outcome(v_chunk.job_id, p_total_delta => 1, p_api_calls => v_calls,
                                        p_now => p_now);
  return array[v_newer, v_older];
end;
$$;
comment on function meta_sync.split_sync_chunk(bigint, uuid, text[], timestamptz, integer) is
  'Replaces a leased insights chunk ("too much data") by two pending children (same job, priority, prerequisite; parent_chunk_id set) covering exactly the parent: date halves, or for a one-day chunk halves of its campaign ids (p_campaign_ids when it has none). Parent becomes split; job total_chunks + 1. Structure chunks and one-day chunks with fewer than 2 campaign ids: 55000. p_api_calls (the Graph calls the attempt cost) is added to the parent and its job; negative -> 22023. Returns the children ids, newer/first half first.';

-- ==== 0208_function_release_sync_chunks.sql ===================================================

-- A worker stopping cleanly (SIGTERM) hands back what it has not finished.

create function meta_sync.release_sync_chunks(
  p_worker    text,
  p_chunk_ids bigint[],
  p_now       timestamptz default now(),
  p_api_calls integer default 0
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_calls    integer := coalesce(p_api_calls, 0);
  v_released integer;
  v_job_id   bigint;
begin
  if v_calls < 0 then
    raise exception 'api calls must not be negative, got %', v_calls using errcode = '22023';
  end if;
  if v_calls > 0 and coalesce(pg_catalog.cardinality(p_chunk_ids), 0) <> 1 then
    raise exception 'api calls can only be counted when releasing exactly one chunk, got % chunk ids',
      coalesce(pg_catalog.cardinality(p_chunk_ids), 0)
      using errcode = '22023';
  end if;

  with released as (
    update meta_sync.sync_job_chunks as c
    set status = 'pending',
        locked_by = null, locked_until = null, lease_token = null,
        run_after = p_now,
        api_calls = c.api_calls + v_calls
    where c.id = any (p_chunk_ids)
      and c.status = 'in_progress'
      and c.locked_by = p_worker
    returning c.job_id
  )
  select count(*)::integer, min(r.job_id) into v_released, v_job_id from released as r;

  -- Calls of a chunk this worker no longer holds are not counted (it did not release it).
  if v_calls > 0 and v_released = 1 then
    perform meta_sync.apply_chunk_outcome(v_job_id, p_api_calls => v_calls, p_now => p_now);
  end if;
  return v_released;
end;
$$;
comment on function meta_sync.release_sync_chunks(text, bigint[], timestamptz, integer) is
  'Hands back chunks p_worker holds (clean shutdown, throttle, dead token): pending again, claimable at once, no retry counted. p_api_calls (the Graph calls spent on the one released chunk) is added to the chunk and its job; with calls > 0 exactly one chunk id is required (22023), negative calls -> 22023. Returns how many were released.';

-- ==== 0209_function_requeue_expired_leases.sql ================================================

-- The lease reaper (pgflow's requeue_stalled_tasks): a worker that died or stalled loses its
-- chunks when their lease expires; workers call this before claiming.

create function meta_sync.requeue_expired_leases(p_now timestamptz default now())
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_count integer := 0;
  v_job   record;
begin
  for v_job in
    with expired as (
      -- 1. Expired leases (sync_job_chunks_lease_idx); rows another reaper or a completing
      --    worker holds are skipped.
      select c.id
      from meta_sync.sync_job_chunks as c
      where c.status = 'in_progress' and c.locked_until <= p_now
      order by c.id
      for update skip locked
    ),
    requeued as (
      -- 2. Retries left: pending at once, retry_count + 1. Exhausted: failed for good.
      update meta_sync.sync_job_chunks as c
      set status = case when c.retry_count < c.max_retries then 'pending'
                        else 'failed' end::meta_sync.chunk_status,
          retry_count = least(c.retry_count + 1, c.max_retries),
          run_after = p_now,
          completed_at = case when c.retry_count < c.max_retries then null else p_now end,
          actual_duration_seconds = case when c.retry_count < c.max_retries then null
                                         else greatest(extract(epoch from p_now - c.started_at), 0) end,
          last_error = 'lease of ' || c.locked_by || ' expired at ' || c.locked_until,
          locked_by = null, locked_until = null, lease_token = null
      from expired
      where c.id = expired.id
      returning c.job_id, c.status, c.last_error
    )
    select r.job_id,
           count(*)::integer as requeued,
           (count(*) filter (where r.status = 'failed'))::integer as failed,
           max(r.last_error) filter (where r.status = 'failed') as last_error
    from requeued as r
    group by r.job_id
    order by r.job_id                      -- job rows locked in id order: no deadlock
  loop
    v_count := v_count + v_job.requeued;
    -- 3. Chunks failed for good count on their job (which may end).
    if v_job.failed > 0 then
      perform meta_sync.apply_chunk_outcome(
        v_job.job_id, p_failed => v_job.failed, p_error => v_job.last_error, p_now => p_now);
    end if;
  end loop;
  return v_count;
end;
$$;
comment on function meta_sync.requeue_expired_leases(timestamptz) is
  'Reaps leases expired at p_now: the chunk is pending again at once with retry_count + 1, or failed for good when its retries are exhausted (counted on its job). The old lease token stops working. Returns how many chunks were reaped. Workers call it before claiming; pg_cron may too.';

-- ==== 0210_function_cancel_sync_job.sql =======================================================

-- An admin stops a job: waiting chunks are cancelled, running ones lose their lease.

create function meta_sync.cancel_sync_job(
  p_job_id bigint,
  p_reason text default null,
  p_now    timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_status    meta_sync.job_status;
  v_cancelled integer;
begin
  select j.status into v_status from meta_sync.sync_jobs as j where j.id = p_job_id;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;
  if v_status not in ('pending', 'in_progress') then
    raise exception 'job % is already %', p_job_id, v_status using errcode = '55000';
  end if;

  -- 1. Chunks first, then the job: the lock order of complete/fail/split (chunk, then job), so a
  --    worker finishing a chunk right now never deadlocks with us; it either commits first (its
  --    chunk counts) or finds its lease revoked.
  with open_chunks as (
    select c.id from meta_sync.sync_job_chunks as c
    where c.job_id = p_job_id and c.status in ('pending', 'in_progress')
    order by c.id
    for update
  ),
  cancelled as (
    update meta_sync.sync_job_chunks as c
    set status = 'cancelled',
        locked_by = null, locked_until = null, lease_token = null,
        completed_at = p_now,
        last_error = coalesce(p_reason, 'job cancelled')
    from open_chunks
    where c.id = open_chunks.id and c.status in ('pending', 'in_progress')
    returning c.id
  )
  select count(*)::integer into v_cancelled from cancelled;

  -- 2. The job, rechecked under its lock (its last chunk may have finished meanwhile).
  update meta_sync.sync_jobs as j
  set status = 'cancelled',
      completed_at = p_now,
      estimated_completion_at = null,
      last_error = coalesce(p_reason, 'cancelled'),
      updated_at = p_now
  where j.id = p_job_id and j.status in ('pending', 'in_progress');
  if not found then
    select j.status into v_status from meta_sync.sync_jobs as j where j.id = p_job_id;
    raise exception 'job % is already %', p_job_id, v_status using errcode = '55000';
  end if;
  return v_cancelled;
end;
$$;
comment on function meta_sync.cancel_sync_job(bigint, text, timestamptz) is
  'Cancels an open job: its pending chunks are cancelled and its running chunks lose their lease (their complete/fail is refused with 55000 "lease"); the job becomes cancelled with p_reason as last_error. Unknown job: P0002; job already final: 55000. Returns how many chunks were cancelled.';

-- ==== 0211_function_retry_failed_chunks.sql ===================================================

-- An admin gives the failed chunks of a job another go.

create function meta_sync.retry_failed_chunks(
  p_job_id bigint,
  p_now    timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_job   meta_sync.sync_jobs;
  v_count integer;
begin
  select j.* into v_job from meta_sync.sync_jobs as j where j.id = p_job_id for update;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;
  if v_job.status = 'cancelled' then
    raise exception 'job % is cancelled: request a new sync instead', p_job_id using errcode = '55000';
  end if;

  -- 1. Failed chunks start over: pending now, retry budget reset.
  with retried as (
    update meta_sync.sync_job_chunks as c
    set status = 'pending', retry_count = 0, run_after = p_now,
        completed_at = null, actual_duration_seconds = null
    where c.job_id = p_job_id and c.status = 'failed'
    returning c.id
  )
  select count(*)::integer into v_count from retried;
  if v_count = 0 then
    return 0;
  end if;

  -- 2. The job is open again (a unique index allows one open scheduled job per account).
  begin
    update meta_sync.sync_jobs as j
    set status = 'in_progress',
        failed_chunks = j.failed_chunks - v_count,
        progress_percentage = case when j.total_chunks > 0
          then round(100.0 * (j.completed_chunks + j.failed_chunks - v_count) / j.total_chunks, 2)
          else 0 end,
        completed_at = null,
        started_at = coalesce(j.started_at, p_now),
        updated_at = p_now
    where j.id = p_job_id;
  exception when unique_violation then
    raise exception 'job % cannot be reopened: account % already has an open % job',
      p_job_id, v_job.account_id, v_job.sync_phase using errcode = '55000';
  end;
  return v_count;
end;
$$;
comment on function meta_sync.retry_failed_chunks(bigint, timestamptz) is
  'Puts the failed chunks of a job back to pending (retry_count reset, due at p_now) and reopens the job (in_progress). Unknown job: P0002; cancelled job, or an account that already has another open job of that phase: 55000. Returns how many chunks were retried.';

-- ==== 0212_function_request_manual_sync.sql ===================================================

-- An admin asks for a custom date range: a manual job with a structure chunk and insights chunks.

create function meta_sync.request_manual_sync(
  p_account_id   text,
  p_since        date,
  p_until        date,
  p_requested_by text default null,
  p_now          timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account    meta_sync.meta_ad_accounts;
  v_today      date;
  v_months     integer;
  v_oldest     date;
  v_chunk_days integer;
  v_chunks     integer;
  v_priority   smallint;
  v_job_id     bigint;
  v_structure  bigint;
begin
  -- 1. Validation: id (22007), account (P0002), range (22023) in the account's time zone.
  v_account := meta_sync.lock_ad_account(p_account_id);
  if p_since is null or p_until is null then
    raise exception 'since and until are both required' using errcode = '22023';
  end if;
  if p_since > p_until then
    raise exception 'since % is after until %', p_since, p_until using errcode = '22023';
  end if;
  v_today := meta_sync.account_today(v_account.timezone_name, p_now);
  if p_until > v_today then
    raise exception 'until % is in the future: today is % in the account time zone %',
      p_until, v_today, v_account.timezone_name using errcode = '22023';
  end if;
  select ps.history_limit_months, ps.phase_1_chunk_days into v_months, v_chunk_days
  from meta_sync.sync_planner_settings as ps;
  v_months := coalesce(v_months, 37);
  v_chunk_days := coalesce(v_chunk_days, 7);
  v_oldest := (v_today - make_interval(months => v_months))::date;
  if p_since < v_oldest then
    raise exception 'since % is more than % months back (oldest day Meta serves: %)',
      p_since, v_months, v_oldest using errcode = '22023',
      hint = 'Meta keeps insights for 37 months.';
  end if;

  -- 2. The job: one structure chunk + ceil(days / chunk size) insights chunks, the chunk size
  --    by estimated rows (plan_insights_chunk_days).
  v_chunk_days := meta_sync.plan_insights_chunk_days(v_account.id, p_until - p_since + 1, v_chunk_days);
  v_chunks := ceil((p_until - p_since + 1)::numeric / v_chunk_days)::integer;
  v_priority := meta_sync.chunk_priority('manual', v_account.meta_sync_priority);
  insert into meta_sync.sync_jobs
    (account_id, organization_id, sync_phase, sync_type, date_since, date_until, requested_by,
     total_chunks, created_at, updated_at)
  values
    (v_account.id, v_account.organization_id, 'manual', 'manual', p_since, p_until, p_requested_by,
     v_chunks + 1, p_now, p_now)
  returning id into v_job_id;

  insert into meta_sync.sync_job_chunks
    (job_id, account_id, chunk_type, chunk_order, priority, run_after, created_at)
  values (v_job_id, v_account.id, 'structure', 0, v_priority, p_now, p_now)
  returning id into v_structure;

  -- 3. Insights newest first, each after the structure chunk; together exactly [since, until].
  insert into meta_sync.sync_job_chunks
    (job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order,
     priority, run_after, created_at)
  select v_job_id, v_account.id, v_structure, 'insights',
         greatest(p_since, p_until - (i + 1) * v_chunk_days + 1), p_until - i * v_chunk_days,
         i + 1, v_priority, p_now, p_now
  from generate_series(0, v_chunks - 1) as i;

  return v_job_id;
end;
$$;
comment on function meta_sync.request_manual_sync(text, date, date, text, timestamptz) is
  'Enqueues a manual job for [p_since, p_until] (account time zone): a structure chunk, then insights chunks cut by plan_insights_chunk_days (one chunk when live ads x days fits insights_rows_per_chunk; phase_1_chunk_days (7) while the ads are unknown), newest first. Malformed id 22007, unknown account P0002; since after until, until in the future, or since beyond history_limit_months (37) back: 22023. Returns the job id.';

-- ==== 0213_trigger_notify_sync_job_progress.sql ===============================================

-- Progress events: every real change of a job's status, progress, counts or ETA is published.

create function meta_sync.notify_sync_job_progress()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify('meta_sync_progress', pg_catalog.json_build_object(
    'job_id', new.id,
    'account_id', new.account_id,
    'organization_id', new.organization_id,
    'sync_phase', new.sync_phase,
    'status', new.status,
    'progress_percentage', new.progress_percentage,
    'completed_chunks', new.completed_chunks,
    'failed_chunks', new.failed_chunks,
    'total_chunks', new.total_chunks,
    'insight_rows_written', new.insight_rows_written,
    'api_calls', new.api_calls,
    'estimated_completion_at', new.estimated_completion_at)::text);
  return null;
end;
$$;
comment on function meta_sync.notify_sync_job_progress() is
  'Trigger: pg_notify(''meta_sync_progress'', json) with job_id, account_id, organization_id, sync_phase, status, progress_percentage, completed/failed/total chunks, insight_rows_written, api_calls, estimated_completion_at.';

create trigger sync_jobs_notify_progress_insert
  after insert on meta_sync.sync_jobs
  for each row execute function meta_sync.notify_sync_job_progress();

-- No event for no-op updates: only when something a watcher shows changed.
create trigger sync_jobs_notify_progress_update
  after update on meta_sync.sync_jobs
  for each row
  when ((old.status, old.progress_percentage, old.completed_chunks, old.failed_chunks,
         old.total_chunks, old.insight_rows_written, old.api_calls, old.estimated_completion_at,
         old.campaigns_synced, old.adsets_synced, old.ads_synced, old.creatives_synced)
        is distinct from
        (new.status, new.progress_percentage, new.completed_chunks, new.failed_chunks,
         new.total_chunks, new.insight_rows_written, new.api_calls, new.estimated_completion_at,
         new.campaigns_synced, new.adsets_synced, new.ads_synced, new.creatives_synced))
  execute function meta_sync.notify_sync_job_progress();
comment on trigger sync_jobs_notify_progress_insert on meta_sync.sync_jobs is
  'A new job is announced on channel meta_sync_progress.';
comment on trigger sync_jobs_notify_progress_update on meta_sync.sync_jobs is
  'A change of status, progress, counts or ETA is announced on channel meta_sync_progress (no-op updates are not).';

-- ==== 0214_view_sync_job_progress.sql =========================================================

-- Job progress for admins and dashboards.

create view meta_sync.sync_job_progress
with (security_invoker = true)
as
select
  j.id as job_id,
  j.account_id,
  a.name as account_name,
  j.organization_id,
  j.sync_phase,
  j.sync_type,
  j.status,
  j.date_since,
  j.date_until,
  j.progress_percentage,
  j.total_chunks,
  j.completed_chunks,
  j.failed_chunks,
  coalesce(c.running_chunks, 0) as running_chunks,
  coalesce(c.pending_chunks, 0) as pending_chunks,
  j.estimated_completion_at,
  case when j.estimated_completion_at is not null
       then greatest(extract(epoch from j.estimated_completion_at - now()), 0)::integer
  end as eta_seconds,
  case when j.started_at is not null
       then extract(epoch from coalesce(j.completed_at, now()) - j.started_at)::integer
  end as elapsed_seconds,
  j.insight_rows_written,
  j.api_calls,
  j.campaigns_synced,
  j.adsets_synced,
  j.ads_synced,
  j.creatives_synced,
  j.last_error,
  j.requested_by,
  j.created_at,
  j.started_at,
  j.completed_at
from meta_sync.sync_jobs as j
join meta_sync.meta_ad_accounts as a on a.id = j.account_id
left join lateral (
  select count(*) filter (where ch.status = 'in_progress') as running_chunks,
         count(*) filter (where ch.status = 'pending') as pending_chunks
  from meta_sync.sync_job_chunks as ch
  where ch.job_id = j.id and j.status in ('pending', 'in_progress')
) as c on true;
comment on view meta_sync.sync_job_progress is
  'One row per job: account, organization, phase, status, percentage, chunks (total, completed, failed, running, pending), ETA, elapsed seconds, rows written, api calls, entity counts.';

-- ==== 0215_view_sync_analytics.sql ============================================================

-- How syncs perform, per tier and phase, over the last 7 days.

create view meta_sync.sync_analytics
with (security_invoker = true)
as
select
  a.meta_sync_priority as tier,
  j.sync_phase,
  count(*) as jobs,
  count(*) filter (where j.status = 'completed') as completed,
  count(*) filter (where j.status = 'completed_with_errors') as completed_with_errors,
  count(*) filter (where j.status = 'failed') as failed,
  count(*) filter (where j.status = 'cancelled') as cancelled,
  count(*) filter (where j.status in ('pending', 'in_progress')) as open,
  round(100.0 * count(*) filter (where j.status = 'completed')
        / nullif(count(*) filter (where j.status in ('completed', 'completed_with_errors', 'failed')), 0), 2)
    as success_rate_pct,
  percentile_cont(0.5) within group (order by extract(epoch from j.completed_at - j.started_at))
    filter (where j.completed_at is not null and j.started_at is not null
            and j.status in ('completed', 'completed_with_errors')) as median_duration_seconds,
  percentile_cont(0.95) within group (order by extract(epoch from j.completed_at - j.started_at))
    filter (where j.completed_at is not null and j.started_at is not null
            and j.status in ('completed', 'completed_with_errors')) as p95_duration_seconds,
  round(1000.0 * sum(j.api_calls) / nullif(sum(j.insight_rows_written), 0), 2)
    as api_calls_per_1000_rows,
  sum(j.insight_rows_written) as rows_written,
  sum(j.api_calls) as api_calls
from meta_sync.sync_jobs as j
join meta_sync.meta_ad_accounts as a on a.id = j.account_id
where j.created_at >= now() - interval '7 days'
group by a.meta_sync_priority, j.sync_phase;
comment on view meta_sync.sync_analytics is
  'Per current tier and phase, jobs created in the last 7 days: counts by outcome, success rate (completed / finished, %), median and p95 duration of finished jobs (seconds), api calls per 1 000 insight rows, rows written, api calls.';

-- ==== 0216_function_record_rate_limit_state.sql ===============================================

-- The worker governor reports Meta's usage headers here; every worker reads them back.

create function meta_sync.record_rate_limit_state(
  p_scope_type               text,
  p_scope_id                 text,
  p_usage_type               text,
  p_call_count_pct           numeric,
  p_total_cputime_pct        numeric,
  p_total_time_pct           numeric,
  p_estimated_regain_minutes integer,
  p_blocked_until            timestamptz,
  p_throttle_code            integer,
  p_now                      timestamptz default now()
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_scope_type is null or p_scope_type not in ('app', 'ad_account', 'business_use_case') then
    raise exception 'unknown rate-limit scope "%": expected app, ad_account or business_use_case',
      p_scope_type using errcode = '22023';
  end if;
  if p_scope_id is null or btrim(p_scope_id) = '' then
    raise exception 'rate-limit scope id must not be blank' using errcode = '22023';
  end if;

  insert into meta_sync.meta_rate_limit_state as s
    (scope_type, scope_id, usage_type, call_count_pct, total_cputime_pct, total_time_pct,
     estimated_regain_minutes, blocked_until, last_throttle_code, observed_at)
  values
    (p_scope_type, p_scope_id, coalesce(p_usage_type, ''), p_call_count_pct, p_total_cputime_pct,
     p_total_time_pct, p_estimated_regain_minutes, p_blocked_until, p_throttle_code, p_now)
  on conflict (scope_type, scope_id, usage_type) do update set
    call_count_pct           = excluded.call_count_pct,
    total_cputime_pct        = excluded.total_cputime_pct,
    total_time_pct           = excluded.total_time_pct,
    estimated_regain_minutes = excluded.estimated_regain_minutes,
    -- A block still running is never shortened by a later report; a passed one is replaced.
    blocked_until            = case
      when s.blocked_until > p_now
        then greatest(s.blocked_until, coalesce(excluded.blocked_until, s.blocked_until))
      else excluded.blocked_until end,
    last_throttle_code       = coalesce(excluded.last_throttle_code, s.last_throttle_code),
    observed_at              = greatest(s.observed_at, excluded.observed_at);
end;
$$;
comment on function meta_sync.record_rate_limit_state(text, text, text, numeric, numeric, numeric, integer, timestamptz, integer, timestamptz) is
  'Upserts Meta usage for a scope (app, ad_account, business_use_case + usage type) as observed at p_now. blocked_until is never shortened while it is still in the future; a report after it passed replaces it. Bad scope: 22023.';

-- ==== 0217_function_get_rate_limit_state.sql ==================================================

-- What the governor must respect now.

create function meta_sync.get_rate_limit_state(p_now timestamptz default now())
returns setof meta_sync.meta_rate_limit_state
language sql
stable
security invoker
set search_path = ''
as $$
  select s.*
  from meta_sync.meta_rate_limit_state as s
  where s.blocked_until > p_now
     or s.observed_at > p_now - interval '1 hour'
  order by s.scope_type, s.scope_id, s.usage_type
$$;
comment on function meta_sync.get_rate_limit_state(timestamptz) is
  'Rate-limit rows still relevant at p_now: blocked beyond p_now, or observed within the last hour (Meta''s usage window).';

-- ==== 0300_roles_and_membership.sql ===========================================================

-- Tenant security, part 1: the worker's role and the membership checks every policy uses.
--
-- Roles (Supabase has the first three; sql/compat creates them on plain Postgres):
--   anon            nothing in meta_sync (no schema usage).
--   authenticated   members read their organisations' rows (RLS); admins change tiers
--                   through meta_sync.set_sync_priority.
--   service_role    everything (bypasses RLS), as on Supabase.
--   meta_sync_worker (nologin) the worker's least grants; give it to a login role:
--                   create role metasync_worker login password '...' in role meta_sync_worker;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'meta_sync_worker') then
    create role meta_sync_worker nologin;
  end if;
end
$$;
comment on role meta_sync_worker is
  'meta-sync worker: runs the queue and scheduling functions, writes entities, insights and status, reads token ciphertext. No login: grant it to the login role the worker uses.';

-- Membership checks. Security definer so that a policy on organization_members can ask about
-- organization_members without recursing into its own policy.
create function meta_sync.is_org_member(p_organization_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from meta_sync.organization_members m
    where m.organization_id = p_organization_id
      and m.user_id = (select auth.uid())
  );
$$;
comment on function meta_sync.is_org_member(uuid) is
  'True when the signed-in user (auth.uid()) belongs to the organization. Used by the RLS policies.';

create function meta_sync.is_org_admin(p_organization_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from meta_sync.organization_members m
    where m.organization_id = p_organization_id
      and m.user_id = (select auth.uid())
      and m.role in ('owner', 'admin')
  );
$$;
comment on function meta_sync.is_org_admin(uuid) is
  'True when the signed-in user (auth.uid()) is an owner or admin of the organization: only they change tiers.';

revoke execute on function meta_sync.is_org_member(uuid), meta_sync.is_org_admin(uuid)
  from public, anon;
-- Policies run with the querying user's rights, so signed-in users must be able to call them.
grant execute on function meta_sync.is_org_member(uuid), meta_sync.is_org_admin(uuid)
  to authenticated, service_role;

-- ==== 0301_member_read_policies.sql ===========================================================

-- Tenant security, part 2: what a signed-in member (role authenticated) may read.
-- Members read their organisations, fellow members, connections (never the token ciphertext),
-- ad accounts, jobs, chunks, freshness, entities and insights; nothing else, and nothing is
-- written directly (tiers change through meta_sync.set_sync_priority). RLS itself is enabled on
-- every table of the schema by meta_sync.secure_schema() (sql/0349).

grant usage on schema meta_sync to authenticated;

-- Organisation-keyed tables: one membership check per row (security definer helper).
create policy members_read_own_organizations on meta_sync.organizations
  for select to authenticated
  using (meta_sync.is_org_member(id));

create policy members_read_fellow_members on meta_sync.organization_members
  for select to authenticated
  using (meta_sync.is_org_member(organization_id));

create policy members_read_connections on meta_sync.meta_connections
  for select to authenticated
  using (meta_sync.is_org_member(organization_id));

create policy members_read_ad_accounts on meta_sync.meta_ad_accounts
  for select to authenticated
  using (meta_sync.is_org_member(organization_id));

create policy members_read_sync_jobs on meta_sync.sync_jobs
  for select to authenticated
  using (meta_sync.is_org_member(organization_id));

-- Account-keyed tables: the account must be visible to the member. The subquery goes through
-- the ad accounts' own policy and runs once per statement (hashed subplan), not once per row,
-- which matters for meta_insights_daily.
create policy members_read_sync_job_chunks on meta_sync.sync_job_chunks
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_data_freshness on meta_sync.data_freshness
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_campaigns on meta_sync.meta_campaigns
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_adsets on meta_sync.meta_adsets
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_ads on meta_sync.meta_ads
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_ad_creatives on meta_sync.meta_ad_creatives
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_insights on meta_sync.meta_insights_daily
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

-- The tier table is product configuration shared by every tenant (intervals and look-backs);
-- the status view reads it, so members may read it too.
create policy members_read_sync_config on meta_sync.meta_sync_config
  for select to authenticated
  using (true);

-- Table privileges. Secret-bearing columns (ciphertext, key ids, nonces, secrets, bytea) are
-- left out column by column, so `select token_ciphertext` is denied even on a member's own row.
do $$
declare
  v_table text;
  v_columns text;
begin
  foreach v_table in array array[
    'organizations', 'organization_members', 'meta_connections', 'meta_ad_accounts',
    'sync_jobs', 'sync_job_chunks', 'data_freshness', 'meta_sync_config',
    'meta_campaigns', 'meta_adsets', 'meta_ads', 'meta_ad_creatives', 'meta_insights_daily']
  loop
    execute format('revoke all on meta_sync.%I from authenticated', v_table);
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
      into v_columns
    from pg_catalog.pg_attribute a
    where a.attrelid = format('meta_sync.%I', v_table)::regclass
      and a.attnum > 0 and not a.attisdropped
      and a.atttypid <> 'bytea'::regtype
      and a.attname !~ '(ciphertext|secret|nonce|token_key|_iv$)';
    if exists (
      select 1 from pg_catalog.pg_attribute a
      where a.attrelid = format('meta_sync.%I', v_table)::regclass
        and a.attnum > 0 and not a.attisdropped
        and (a.atttypid = 'bytea'::regtype or a.attname ~ '(ciphertext|secret|nonce|token_key|_iv$)')
    ) then
      execute format('grant select (%s) on meta_sync.%I to authenticated', v_columns, v_table);
    else
      execute format('grant select on meta_sync.%I to authenticated', v_table);
    end if;
  end loop;
end
$$;

-- ==== 0302_worker_grants.sql ==================================================================

-- Tenant security, part 3: the worker's least grants on the tables of the foundation.
-- Function execute grants, read access to every table and the worker's RLS policy on every
-- table are catalog-driven, in meta_sync.secure_schema() (sql/0349).

grant usage on schema meta_sync to meta_sync_worker;

-- Tenants and configuration: read only.
grant select on meta_sync.organizations, meta_sync.organization_members, meta_sync.meta_sync_config
  to meta_sync_worker;

-- Tokens: read the ciphertext, mark a token expired or revoked, store a new token and
-- re-encrypt under a new key (`metasync keys rotate`). Never delete.
grant select, insert, update on meta_sync.meta_connections to meta_sync_worker;

-- Accounts: discovered and described by the worker, scheduling state written after each sync.
grant select, insert, update on meta_sync.meta_ad_accounts to meta_sync_worker;

-- The queue: jobs and chunks are created, claimed, completed, failed and split by the worker.
grant select, insert, update on meta_sync.sync_jobs, meta_sync.sync_job_chunks to meta_sync_worker;

-- What the worker writes: entities, insights, freshness and the shared rate-limit state.
grant select, insert, update, delete on
  meta_sync.meta_campaigns, meta_sync.meta_adsets, meta_sync.meta_ads, meta_sync.meta_ad_creatives,
  meta_sync.meta_insights_daily, meta_sync.data_freshness, meta_sync.meta_rate_limit_state
  to meta_sync_worker;

-- ==== 0303_set_sync_priority_security.sql =====================================================

-- Only owners and admins change tiers, through meta_sync.set_sync_priority (sql/0120), which
-- refuses a signed-in user who is not an owner or admin of the account's organization (42501).
-- Signed-in users have no write privilege on the tables, so the function runs with its owner's
-- rights (security definer; its search_path is already ''). Execute is granted to
-- authenticated by meta_sync.secure_schema() (sql/0349), revoked from PUBLIC and anon.

do $$
declare
  v_fn regprocedure;
begin
  for v_fn in
    select p.oid::regprocedure
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'meta_sync' and p.proname = 'set_sync_priority'
  loop
    execute format('alter function %s security definer set search_path = %L', v_fn, '');
  end loop;
end
$$;

-- ==== 0310_realtime_broadcast.sql =============================================================

-- Realtime: each progress change of a job is broadcast on the private topic
-- org:<organization_id>:sync (event "progress") with realtime.send, when Supabase Realtime is
-- installed. On plain Postgres the trigger does nothing (pg_notify is the queue's own trigger).

create function meta_sync.broadcast_sync_job_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Only a change that a progress bar shows is worth a message.
  if tg_op = 'UPDATE' and (
       old.status, old.progress_percentage, old.total_chunks, old.completed_chunks,
       old.failed_chunks, old.campaigns_synced, old.adsets_synced, old.ads_synced,
       old.creatives_synced, old.insight_rows_written, old.estimated_completion_at)
     is not distinct from (
       new.status, new.progress_percentage, new.total_chunks, new.completed_chunks,
       new.failed_chunks, new.campaigns_synced, new.adsets_synced, new.ads_synced,
       new.creatives_synced, new.insight_rows_written, new.estimated_completion_at) then
    return null;
  end if;
  -- Checked at run time: Realtime may be installed after this migration, or never.
  if pg_catalog.to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null then
    return null;
  end if;
  execute 'select realtime.send($1, $2, $3, $4)'
    using pg_catalog.jsonb_build_object(
            'job_id', new.id,
            'organization_id', new.organization_id,
            'account_id', new.account_id,
            'sync_phase', new.sync_phase,
            'sync_type', new.sync_type,
            'status', new.status,
            'progress_percentage', new.progress_percentage,
            'estimated_completion_at', new.estimated_completion_at,
            'total_chunks', new.total_chunks,
            'completed_chunks', new.completed_chunks,
            'failed_chunks', new.failed_chunks,
            'campaigns_synced', new.campaigns_synced,
            'adsets_synced', new.adsets_synced,
            'ads_synced', new.ads_synced,
            'creatives_synced', new.creatives_synced,
            'insight_rows_written', new.insight_rows_written,
            'date_since', new.date_since,
            'date_until', new.date_until,
            'updated_at', new.updated_at),
          'progress',
          'org:' || new.organization_id::text || ':sync',
          true;
  return null;
end;
$$;
comment on function meta_sync.broadcast_sync_job_progress() is
  'Trigger on sync_jobs: sends the job''s progress (id, account, phase, status, percentage, ETA, counts) with realtime.send to the private topic org:<organization_id>:sync, event progress. No-op where realtime.send does not exist. Security definer: the worker has no rights on the realtime schema.';

create trigger sync_jobs_realtime_broadcast
  after insert or update on meta_sync.sync_jobs
  for each row execute function meta_sync.broadcast_sync_job_progress();

-- ==== 0311_realtime_messages_policy.sql =======================================================

-- Realtime authorization: a private channel org:<organization_id>:sync may be joined (and its
-- broadcasts received) only by signed-in members of that organization. Realtime checks this
-- with RLS on realtime.messages, using realtime.topic() (the channel being joined).

create function meta_sync.is_sync_topic_member(p_topic text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_match text[] := pg_catalog.regexp_match(
    p_topic, '^org:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):sync$');
begin
  if v_match is null then
    return false;
  end if;
  return meta_sync.is_org_member(v_match[1]::uuid);
end;
$$;
comment on function meta_sync.is_sync_topic_member(text) is
  'True when the topic is org:<organization_id>:sync and the signed-in user belongs to that organization. Used by the policy on realtime.messages.';

-- The policy, only where Supabase Realtime's table exists (Realtime creates it on Supabase).
create function meta_sync.authorize_realtime_topics()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if pg_catalog.to_regclass('realtime.messages') is null then
    return false;
  end if;
  execute 'drop policy if exists meta_sync_members_receive_sync_progress on realtime.messages';
  execute $p$
    create policy meta_sync_members_receive_sync_progress on realtime.messages
      for select to authenticated
      using (
        realtime.messages.extension = 'broadcast'
        and realtime.messages.topic = (select realtime.topic())
        and meta_sync.is_sync_topic_member((select realtime.topic()))
      )
  $p$;
  return true;
end;
$$;
comment on function meta_sync.authorize_realtime_topics() is
  'Creates (or recreates) the policy on realtime.messages that lets signed-in members of organization X receive broadcasts on org:X:sync; returns false where realtime.messages does not exist. Idempotent; run by the migration (and again after enabling Realtime).';

select meta_sync.authorize_realtime_topics();

-- ==== 0312_realtime_publication.sql ===========================================================

-- Postgres Changes: sync_jobs joins the supabase_realtime publication where it exists
-- (each change is then checked against the subscriber's RLS by Realtime).

create function meta_sync.add_to_realtime_publication()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    return false;
  end if;
  if not exists (
    select 1 from pg_catalog.pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'meta_sync' and tablename = 'sync_jobs'
  ) then
    execute 'alter publication supabase_realtime add table meta_sync.sync_jobs';
  end if;
  return true;
end;
$$;
comment on function meta_sync.add_to_realtime_publication() is
  'Adds meta_sync.sync_jobs to the supabase_realtime publication when that publication exists; returns whether it exists. Idempotent; run by the migration (and again after enabling Realtime).';

select meta_sync.add_to_realtime_publication();

-- ==== 0320_function_nudge_workers.sql =========================================================

-- Waking the workers is only a nudge (they also poll): NOTIFY meta_sync_wake for workers that
-- LISTEN, and, on Supabase with pg_net and Vault, a POST to the worker's /tick with a bearer
-- token. Both secrets live in Vault:
--   select vault.create_secret('https://worker.example.com', 'meta_sync_worker_url');
--   select vault.create_secret('<token>', 'meta_sync_worker_token');

create function meta_sync.nudge_workers()
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url   text;
  v_token text;
begin
  perform pg_catalog.pg_notify('meta_sync_wake', '');
  -- Checked at run time: pg_net and Vault are optional, and may come after this migration.
  if pg_catalog.to_regclass('vault.decrypted_secrets') is null or not exists (
    select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'net' and p.proname = 'http_post'
  ) then
    return false;
  end if;
  execute $q$
    select (select s.decrypted_secret from vault.decrypted_secrets s where s.name = 'meta_sync_worker_url'),
           (select s.decrypted_secret from vault.decrypted_secrets s where s.name = 'meta_sync_worker_token')
  $q$ into v_url, v_token;
  if v_url is null or v_token is null then
    return false;
  end if;
  -- The secret holds the base URL of `metasync serve`; /tick is appended unless already there.
  if v_url !~ '/tick/?$' then
    v_url := pg_catalog.rtrim(v_url, '/') || '/tick';
  end if;
  -- Asynchronous: pg_net sends after commit and never blocks the caller.
  execute 'select net.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := 5000)'
    using v_url,
          pg_catalog.jsonb_build_object('source', 'pg_cron'),
          pg_catalog.jsonb_build_object('Content-Type', 'application/json',
                                        'Authorization', 'Bearer ' || v_token);
  return true;
end;
$$;
comment on function meta_sync.nudge_workers() is
  'NOTIFY meta_sync_wake, and when pg_net and the Vault secrets meta_sync_worker_url / meta_sync_worker_token exist, POST <url>/tick with the bearer token. Returns whether the HTTP nudge was sent. Security definer (reads Vault); not executable by PUBLIC, anon, authenticated or the worker.';

-- ==== 0321_cron_schedule.sql ==================================================================

-- pg_cron (where it runs): enqueue due syncs every 15 minutes, nudge the workers a minute
-- later, and keep pg_cron's run log to 7 days. pg_cron can only be created in the database
-- named by cron.database_name (Supabase: postgres), so everywhere else this is a no-op.
--
-- Job names: meta-sync-enqueue, meta-sync-nudge-workers, meta-sync-cron-cleanup.
-- Pausing the schedule (one statement; `active := true` resumes it):
--   select cron.alter_job(jobid, active := false) from cron.job where jobname like 'meta-sync-%';

create function meta_sync.schedule_cron_jobs()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if pg_catalog.current_database() is distinct from pg_catalog.current_setting('cron.database_name', true) then
    return false;
  end if;
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
      return false;
    end if;
    create extension if not exists pg_cron with schema pg_catalog;
  end if;
  -- Scheduling a name again replaces the job: re-running this is harmless.
  execute $s$select cron.schedule('meta-sync-enqueue', '*/15 * * * *',
                                  $c$select meta_sync.enqueue_due_syncs()$c$)$s$;
  execute $s$select cron.schedule('meta-sync-nudge-workers', '1-59/15 * * * *',
                                  $c$select meta_sync.nudge_workers()$c$)$s$;
  execute $s$select cron.schedule('meta-sync-cron-cleanup', '17 3 * * *',
                                  $c$delete from cron.job_run_details where end_time < now() - interval '7 days'$c$)$s$;
  execute $s$select cron.schedule('meta-sync-webhook-purge', '37 3 * * *',
                                  $c$select meta_sync.purge_webhook_events()$c$)$s$;
  return true;
end;
$$;
comment on function meta_sync.schedule_cron_jobs() is
  'Creates pg_cron (if needed) and schedules meta-sync-enqueue (*/15 * * * *: enqueue_due_syncs), meta-sync-nudge-workers (a minute later: nudge_workers) and meta-sync-cron-cleanup (nightly: run log older than 7 days) and meta-sync-webhook-purge (37 3 * * *: purge_webhook_events, processed events older than 30 days), only in pg_cron''s database. Returns whether it scheduled. Idempotent.';

select meta_sync.schedule_cron_jobs();

-- ==== 0349_secure_schema.sql ==================================================================

-- Tenant security, last step: catalog-driven rules applied to every object of the schema, so
-- objects added by other migrations are covered without being named here.
-- meta_sync.secure_schema() is idempotent: a later migration that adds tables, views or
-- functions ends with `select meta_sync.secure_schema();`.

create function meta_sync.secure_schema()
returns void
language plpgsql
set search_path = ''
as $$
declare
  -- Functions signed-in users may call (everything else is revoked from them): the RLS
  -- helpers, the admin-checked tier change, and the pure helper the status view calls.
  c_for_authenticated constant text[] := array[
    'is_org_member', 'is_org_admin', 'is_sync_topic_member', 'set_sync_priority',
    'chunk_priority'];
  -- Functions the worker must not call: migration-time administration, and the nudge that
  -- would make /tick call itself.
  c_not_for_worker constant text[] := array[
    'secure_schema', 'schedule_cron_jobs', 'add_to_realtime_publication',
    'authorize_realtime_topics', 'nudge_workers'];
  v_rel record;
  v_fn record;
  v_fk record;
begin
  grant usage on schema meta_sync to service_role, meta_sync_worker, authenticated;
  revoke all on schema meta_sync from anon, public;

  -- Tables: RLS on; the worker's policy lets its grants decide; service_role as on Supabase;
  -- anon and PUBLIC get nothing.
  for v_rel in
    select c.oid::regclass as rel
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind in ('r', 'p')
  loop
    execute format('alter table %s enable row level security', v_rel.rel);
    if not exists (select 1 from pg_catalog.pg_policy p
                   where p.polrelid = v_rel.rel and p.polname = 'worker_all_rows') then
      execute format(
        'create policy worker_all_rows on %s for all to meta_sync_worker using (true) with check (true)',
        v_rel.rel);
    end if;
    execute format('revoke all on %s from anon, public', v_rel.rel);
    execute format('grant all on %s to service_role', v_rel.rel);
    execute format('grant select on %s to meta_sync_worker', v_rel.rel);
  end loop;

  -- Views run with the caller's rights (RLS of the tables below applies); readable by members.
  -- Materialized views cannot: they are never granted to signed-in users.
  for v_rel in
    select c.oid::regclass as rel, c.relkind
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind in ('v', 'm')
  loop
    execute format('revoke all on %s from anon, public', v_rel.rel);
    execute format('grant select on %s to service_role, meta_sync_worker', v_rel.rel);
    if v_rel.relkind = 'v' then
      execute format('alter view %s set (security_invoker = true)', v_rel.rel);
      execute format('grant select on %s to authenticated', v_rel.rel);
    else
      execute format('revoke all on %s from authenticated', v_rel.rel);
    end if;
  end loop;

  for v_rel in
    select c.oid::regclass as rel
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind = 'S'
  loop
    execute format('revoke all on sequence %s from anon, public', v_rel.rel);
    execute format('grant usage, select on sequence %s to service_role, meta_sync_worker', v_rel.rel);
  end loop;

  -- Functions are executable by PUBLIC by default: revoke, then grant explicitly.
  for v_fn in
    select p.oid::regprocedure as fn, p.proname,
           p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype as is_trigger
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'meta_sync' and p.prokind in ('f', 'p')
  loop
    execute format('revoke execute on routine %s from public, anon', v_fn.fn);
    execute format('grant execute on routine %s to service_role', v_fn.fn);
    if v_fn.proname = any (c_for_authenticated) then
      execute format('grant execute on routine %s to authenticated', v_fn.fn);
    else
      execute format('revoke execute on routine %s from authenticated', v_fn.fn);
    end if;
    if v_fn.is_trigger or v_fn.proname = any (c_not_for_worker) then
      execute format('revoke execute on routine %s from meta_sync_worker', v_fn.fn);
    else
      execute format('grant execute on routine %s to meta_sync_worker', v_fn.fn);
    end if;
  end loop;

  -- Every foreign key gets an index whose leading columns are its columns (deletes of the
  -- parent and joins would scan the child otherwise).
  for v_fk in
    select con.conrelid::regclass as rel, cls.relname,
           (select string_agg(a.attname, '_' order by k.ord)
              from unnest(con.conkey) with ordinality k(attnum, ord)
              join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as col_names,
           (select string_agg(format('%I', a.attname), ', ' order by k.ord)
              from unnest(con.conkey) with ordinality k(attnum, ord)
              join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as col_list
    from pg_catalog.pg_constraint con
    join pg_catalog.pg_class cls on cls.oid = con.conrelid
    join pg_catalog.pg_namespace n on n.oid = cls.relnamespace
    where n.nspname = 'meta_sync' and con.contype = 'f'
      and not exists (
        select 1
        from pg_catalog.pg_index i
        where i.indrelid = con.conrelid
          and i.indpred is null
          and i.indnkeyatts >= cardinality(con.conkey)
          and (select array_agg(x order by x)
                 from unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) x)
            = (select array_agg(x order by x) from unnest(con.conkey) x))
  loop
    execute format('create index if not exists %I on %s (%s)',
                   left(v_fk.relname || '_' || v_fk.col_names, 56) || '_fk_idx', v_fk.rel, v_fk.col_list);
  end loop;
end;
$$;
comment on function meta_sync.secure_schema() is
  'Applies the tenant-security rules to every object of meta_sync: RLS on every table (+ the worker policy), no access for anon/PUBLIC, service_role full access, views security_invoker, function execute revoked from PUBLIC and granted explicitly, an index on every foreign key. Idempotent; run by migrations.';

select meta_sync.secure_schema();

-- ==== 0350_webhook_events.sql =================================================================

-- Meta webhook deliveries, one row per change, deduplicated: Meta retries failed deliveries for
-- 36 hours, so the same change arrives more than once; the dedupe key makes it one row.
-- Written by `metasync serve` (POST /webhooks/meta), processed in the background and by
-- process_pending_webhook_events (Python, metasync.server.processing).

create table meta_sync.webhook_events (
  id               bigint generated always as identity primary key,
  dedupe_key       text not null
                   constraint webhook_event_dedupe_key_sha256 check (dedupe_key ~ '^[0-9a-f]{64}$'),
  object_type      text not null,
  entry_id         text not null,
  entry_time       timestamptz,
  field            text not null,
  value            jsonb not null,
  account_id       text,
  organization_id  uuid references meta_sync.organizations (id) on delete cascade,
  status           text not null default 'pending'
                   constraint webhook_event_status_known
                   check (status in ('pending', 'processing', 'processed', 'failed', 'ignored')),
  attempts         integer not null default 0
                   constraint webhook_event_attempts_non_negative check (attempts >= 0),
  locked_until     timestamptz,
  sync_job_id      bigint references meta_sync.sync_jobs (id) on delete set null,
  error            text,
  received_at      timestamptz not null default now(),
  processed_at     timestamptz,
  constraint webhook_event_dedupe_key_unique unique (dedupe_key)
);
-- The processing scan: unfinished events in arrival order.
create index webhook_events_unfinished_idx on meta_sync.webhook_events (id)
  where status in ('pending', 'processing');
create index webhook_events_account_id_idx on meta_sync.webhook_events (account_id, received_at desc);
create index webhook_events_organization_id_idx on meta_sync.webhook_events (organization_id);
create index webhook_events_sync_job_id_idx on meta_sync.webhook_events (sync_job_id);

comment on table meta_sync.webhook_events is
  'One change of a signed Meta webhook delivery (object ad_account), stored once per dedupe key and processed asynchronously: issues/status of the object updated, a targeted structure re-sync requested.';
comment on column meta_sync.webhook_events.dedupe_key is
  'hex sha256 of entry id, entry time, field and the canonical JSON of the value: a redelivered change has the same key.';
comment on column meta_sync.webhook_events.account_id is
  'act_<entry id> for object ad_account; not a foreign key: events for accounts not (yet) synced are kept and ignored.';
comment on column meta_sync.webhook_events.organization_id is
  'Owner of the account when it was known at receipt: the RLS key.';
comment on column meta_sync.webhook_events.status is
  'pending -> processing (leased until locked_until) -> processed | failed (error says why) | ignored (unknown account or field).';
comment on column meta_sync.webhook_events.locked_until is
  'Lease of the processing pass; an expired lease makes the event claimable again.';

alter table meta_sync.webhook_events enable row level security;

-- Members read the events of their organisation's accounts; nobody else but the worker.
create policy members_read_webhook_events on meta_sync.webhook_events
  for select to authenticated
  using (meta_sync.is_org_member(organization_id));

-- The endpoint and the worker store and process events; they never delete them.
grant select, insert, update on meta_sync.webhook_events to meta_sync_worker;
-- Members read their organisation's events (policy members_read_webhook_events); no column
-- holds a secret (dedupe_key is a hash). Members never write events.
grant select on meta_sync.webhook_events to authenticated;

select meta_sync.secure_schema();

-- ==== 0351_function_request_webhook_resync.sql ================================================

-- A webhook said something changed in an account: re-read its structure soon, in one open job.

-- At most one open webhook job per account: a burst of webhook events shares it.
create unique index sync_jobs_one_open_webhook_idx on meta_sync.sync_jobs (account_id)
  where sync_phase = 'webhook' and status in ('pending', 'in_progress');

create function meta_sync.request_webhook_resync(
  p_account_id text,
  p_now        timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account       meta_sync.meta_ad_accounts;
  v_job_id        bigint;
  v_updated_since timestamptz;
begin
  -- 1. Malformed ids are an error (22007); an account we do not sync is not: NULL = ignored.
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007';
  end if;
  if not exists (select 1 from meta_sync.meta_ad_accounts a where a.id = p_account_id) then
    return null;
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);

  -- 2. Reuse the open webhook job while a structure chunk of it is still waiting to be claimed:
  --    that chunk will read the change. (The account row lock serialises concurrent callers.)
  select j.id into v_job_id
  from meta_sync.sync_jobs j
  where j.account_id = v_account.id and j.sync_phase = 'webhook'
    and j.status in ('pending', 'in_progress')
  for update;
  if v_job_id is not null then
    if exists (select 1 from meta_sync.sync_job_chunks c
               where c.job_id = v_job_id and c.chunk_type = 'structure' and c.status = 'pending') then
      return v_job_id;
    end if;
  end if;

  -- 3. Incremental read: everything updated since the last structure sync (NULL = everything).
  select f.synced_at into v_updated_since
  from meta_sync.data_freshness f
  where f.account_id = v_account.id and f.dataset = 'structure';

  -- 4. A new job, or (the open job's structure chunk already runs) one more chunk in it.
  if v_job_id is null then
    insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type,
                                     requested_by, created_at, updated_at)
    values (v_account.id, v_account.organization_id, 'webhook', 'manual', 'webhook', p_now, p_now)
    returning id into v_job_id;
  end if;
  insert into meta_sync.sync_job_chunks (job_id, account_id, chunk_type, updated_since,
                                         chunk_order, priority, run_after, created_at)
  values (v_job_id, v_account.id, 'structure', v_updated_since,
          (select count(*) from meta_sync.sync_job_chunks c where c.job_id = v_job_id),
          meta_sync.chunk_priority('webhook', v_account.meta_sync_priority), p_now, p_now);
  update meta_sync.sync_jobs j
  set total_chunks = j.total_chunks + 1, updated_at = p_now
  where j.id = v_job_id;
  return v_job_id;
end;
$$;
comment on function meta_sync.request_webhook_resync(text, timestamptz) is
  'Enqueues a targeted structure re-sync of an account after a webhook: a job (sync_phase webhook, sync_type manual) with one structure chunk reading objects updated since the last structure sync (data_freshness). At most one open webhook job per account: reused while its structure chunk is pending, else given one more chunk. Returns the job id, or NULL when the account is not synced here (the event is ignored). 22007 for a malformed id.';

select meta_sync.secure_schema();

-- ==== 0352_function_purge_webhook_events.sql ==================================================

-- Old webhook_events go: purge_webhook_events deletes the events whose processing
-- finished (processed, ignored) received more than 30 days ago; pending and processing events
-- (not done yet) and failed ones (for an operator to look at) are kept. The window is at least
-- 36 hours: Meta redelivers a change for 36 hours and the stored dedupe key is what keeps a
-- redelivery out.
-- pg_cron (where it runs, guarded as in sql/0321) runs it daily: job meta-sync-webhook-purge,
-- '37 3 * * *'. Without pg_cron call it from your own scheduler as the service role or the
-- migration owner (the worker role has no delete privilege on webhook_events).

create function meta_sync.purge_webhook_events(
  p_older_than interval default '30 days',
  p_now        timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_deleted integer;
begin
  if p_older_than is null or p_older_than < interval '36 hours' then
    raise exception 'p_older_than must be at least 36 hours (Meta redelivers for 36 hours), got %',
      coalesce(p_older_than::text, 'null')
      using errcode = '22023';
  end if;
  delete from meta_sync.webhook_events e
  where e.status in ('processed', 'ignored')
    and e.received_at < p_now - p_older_than;
  get diagnostics v_deleted = row_count;
  return v_deleted;
end;
$$;
comment on function meta_sync.purge_webhook_events(interval, timestamptz) is
  'Deletes webhook events whose processing finished (status processed or ignored) received before p_now - p_older_than (30 days); pending, processing and failed events are kept. Returns how many were deleted. p_older_than shorter than 36 hours (Meta''s redelivery window, which the dedupe key covers) or NULL -> 22023. Scheduled daily by pg_cron as meta-sync-webhook-purge.';

select meta_sync.secure_schema();
