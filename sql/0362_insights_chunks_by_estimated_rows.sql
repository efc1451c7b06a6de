-- Insights chunks of the daily settle job (28 days), of incremental jobs and of onboarding
-- phase 1 are cut by estimated rows, not by a fixed number of days: a small account's 28 days
-- fit one insights page (500 rows), so 4 chunks of 7 days cost 4 calls where 1 does.
-- Estimated rows = live ads of the account (meta_ads, not deleted) x days. One chunk when that
-- is at most sync_planner_settings.insights_rows_per_chunk (500, the worker's insights page
-- size), else chunks of the most days that fit, at least 1 day. Ads unknown (structure never
-- read and no ad stored): the fixed chunk days as before (settle_chunk_days,
-- incremental_chunk_days, phase_1_chunk_days). create_sync_job still plans newest first with no
-- gap and no overlap. Phase 2 keeps its 90-day periods: today's ads say little about the rows of
-- 1-3 years ago, and its large chunks are what async report runs are for.
-- Replaces sql/0151, 0154 and 0155.

alter table meta_sync.sync_planner_settings
  add column insights_rows_per_chunk integer not null default 500
    constraint insights_rows_per_chunk_in_range check (insights_rows_per_chunk between 1 and 1000000);
comment on column meta_sync.sync_planner_settings.insights_rows_per_chunk is
  'Estimated insights rows (live ads x days) one chunk of a settle, incremental or phase-1 job may hold (500 = the worker''s insights page size, METASYNC_INSIGHTS_PAGE_SIZE): one chunk when the whole range fits, else chunks of the most days that fit, at least 1.';
comment on column meta_sync.sync_planner_settings.phase_1_chunk_days is
  'Days per insights chunk of phase 1 while the account''s ads are unknown (a first onboarding), newest chunk first (7: the first week shows up fast). With ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.incremental_chunk_days is
  'Days per insights chunk of an incremental job while the account''s ads are unknown; with ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.settle_chunk_days is
  'Days per insights chunk of the daily settle job (settle_lookback_days = 28) while the account''s ads are unknown; with ads known: insights_rows_per_chunk.';

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

create or replace function meta_sync.start_account_onboarding(
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


create or replace function meta_sync.enqueue_incremental_sync(
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


create or replace function meta_sync.enqueue_settle_sync(
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


select meta_sync.secure_schema();
