-- How many days one insights chunk may hold: estimated rows (estimate_insights_rows_per_day x
-- days: the rows the account really has once any are stored, live ads before) against
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
-- Generic plans: lookups by key whatever the arguments; re-planning them cost more than running
-- them (one call per job, 100 jobs per enqueue_due_syncs call).
set plan_cache_mode = force_generic_plan
as $$
declare
  v_rows    integer;
  v_per_day numeric;
begin
  if p_days is null or p_days < 1 or p_default_chunk_days is null or p_default_chunk_days < 1 then
    raise exception 'days and default chunk days must be at least 1, got % and %', p_days, p_default_chunk_days
      using errcode = '22023';
  end if;
  select s.insights_rows_per_chunk into v_rows from meta_sync.sync_planner_settings s;
  v_per_day := meta_sync.estimate_insights_rows_per_day(p_account_id);
  if v_per_day is null then
    return p_default_chunk_days;  -- nothing known of the account yet
  end if;
  if v_per_day * p_days <= v_rows then
    return p_days;
  end if;
  return greatest(1, floor(v_rows / v_per_day)::integer);
end;
$$;
comment on function meta_sync.plan_insights_chunk_days(text, integer, integer) is
  'Internal planner helper: days per insights chunk for p_days days of an account. Estimated rows = estimate_insights_rows_per_day (stored rows of the latest 28 days once any are stored, live ads before) x days; p_days (one chunk) when that is at most sync_planner_settings.insights_rows_per_chunk, else the most days that fit, at least 1; p_default_chunk_days when nothing is known (no row, no structure read, no ad stored). Days < 1 -> 22023.';
