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
  ('recent_window', 'historical_backfill', 'incremental', 'settle', 'manual', 'webhook');
comment on type meta_sync.sync_phase is
  'Why a job exists: onboarding phase 1 (recent_window: the last sync_planner_settings.phase_1_days, 90 by default) and 2 (historical_backfill: older history), the tier schedule, the daily attribution settle, an admin request, a webhook.';

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
