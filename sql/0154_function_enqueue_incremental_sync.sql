-- The tier schedule's job: insights from the day after fresh_through (or the tier's re-read
-- window, whichever is earlier) to today, and the structure since the last structure sync when
-- that listing is older than the tier's structure_refresh_minutes.

create function meta_sync.enqueue_incremental_sync(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
-- Generic plans: lookups by key whatever the arguments; re-planning them cost more than running
-- them (one call per job, 100 jobs per enqueue_due_syncs call).
set plan_cache_mode = force_generic_plan
as $$
declare
  v_account   meta_sync.meta_ad_accounts;
  v_settings  meta_sync.sync_planner_settings;
  v_days      integer;
  v_refresh   integer;
  v_today     date;
  v_fresh     date;
  v_structure timestamptz;
  v_since     date;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  select s.* into v_settings from meta_sync.sync_planner_settings s;
  select c.date_range_days, c.structure_refresh_minutes into v_days, v_refresh
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
                                       v_settings.incremental_chunk_days),
    v_structure is null or v_structure <= p_now - pg_catalog.make_interval(mins => v_refresh),
    v_structure - pg_catalog.make_interval(mins => v_settings.structure_overlap_minutes),
    'schedule', p_now);
end;
$$;
comment on function meta_sync.enqueue_incremental_sync(text, timestamptz) is
  'Creates the scheduled incremental job of one account: a structure chunk when the last listing (data_freshness structure synced_at) is NULL or at least the tier''s structure_refresh_minutes old (updated_since = synced_at - structure_overlap_minutes), and insights chunks over [least(today - date_range_days + 1, insights fresh_through + 1), today] in the account time zone, cut by plan_insights_chunk_days (estimated rows; incremental_chunk_days when the ads are unknown). NULL when an open incremental job exists.';
