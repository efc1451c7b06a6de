-- Insights chunks are planned from the rows an account really has (stored rows per day once
-- any are stored, live ads before), and a manual range longer than a phase-2 period is cut
-- like phase 2 (from the account's creation day, in periods of at least phase_2_period_days).

-- How many ad-day insights rows one day of an account holds: what the account really has.
-- Once rows are stored, their count over the latest 28 stored days (default attribution, no
-- breakdown); before that, the live ads (every ad may deliver every day); NULL when neither is
-- known (no structure read yet).

create function meta_sync.estimate_insights_rows_per_day(p_account_id text)
returns numeric
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_cap    integer;
  v_latest date;
  v_first  date;
  v_rows   bigint;
  v_ads    bigint;
begin
  select max(i.date) into v_latest
  from meta_sync.meta_insights_daily i
  where i.account_id = p_account_id;
  if v_latest is not null then
    -- Counting past 28 pages changes nothing (a day fills a page either way): big accounts stop.
    select 28 * s.insights_rows_per_chunk into v_cap from meta_sync.sync_planner_settings s;
    select count(*), min(w.date) into v_rows, v_first
    from (select i.date from meta_sync.meta_insights_daily i
          where i.account_id = p_account_id and i.date > v_latest - 28
            and i.attribution_setting = 'default' and i.breakdown_key = ''
          limit v_cap + 1) w;
    if v_rows > 0 then
      -- Days of the window without a row delivered nothing: they count, as zero-row days.
      return v_rows::numeric / (v_latest - v_first + 1);
    end if;
  end if;
  select count(*) into v_ads
  from meta_sync.meta_ads ad
  where ad.account_id = p_account_id and not ad.is_deleted;
  if v_ads = 0 and not exists (select 1 from meta_sync.data_freshness f
                               where f.account_id = p_account_id and f.dataset = 'structure') then
    return null;
  end if;
  return v_ads;
end;
$$;
comment on function meta_sync.estimate_insights_rows_per_day(text) is
  'Internal planner helper: estimated ad-day insights rows per day of an account. With rows stored: the default rows of the latest 28 days up to the newest stored day, divided by the days from the first of them (days without rows count as zero; counting stops at 28 pages of insights_rows_per_chunk). Before any row: live ads (meta_ads not deleted; every ad may deliver every day). NULL when the ads are unknown too (no structure read, no ad stored).';

-- How many days one insights chunk may hold: estimated rows (estimate_insights_rows_per_day x
-- days: the rows the account really has once any are stored, live ads before) against
-- sync_planner_settings.insights_rows_per_chunk, so a small account's 28-day settle is one
-- chunk (one insights page, one call) and a large account's days are cut to fit a page.

create or replace function meta_sync.plan_insights_chunk_days(
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

-- An admin asks for a custom date range: a manual job with a structure chunk and insights chunks.

create or replace function meta_sync.request_manual_sync(
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
  v_period     integer;
  v_first      date;
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
  select ps.history_limit_months, ps.phase_1_chunk_days, ps.phase_2_period_days
  into v_months, v_chunk_days, v_period
  from meta_sync.sync_planner_settings as ps;
  v_months := coalesce(v_months, 37);
  v_chunk_days := coalesce(v_chunk_days, 7);
  v_oldest := (v_today - make_interval(months => v_months))::date;
  if p_since < v_oldest then
    raise exception 'since % is more than % months back (oldest day Meta serves: %)',
      p_since, v_months, v_oldest using errcode = '22023',
      hint = 'Meta keeps insights for 37 months.';
  end if;

  -- 2. The job: one structure chunk + ceil(days / chunk size) insights chunks over the days
  --    the account existed, the chunk size by the rows it really has (plan_insights_chunk_days);
  --    a range longer than a phase-2 period is history and is cut at least as coarsely as
  --    phase 2 cuts it (its periods become async report runs in the worker, as phase 2's do).
  v_first := greatest(p_since, meta_sync.account_today(v_account.timezone_name, v_account.created_time));
  v_first := coalesce(v_first, p_since);
  if v_first > p_until then
    v_chunks := 0;  -- the account did not exist yet: nothing to read but the structure
  else
    v_chunk_days := meta_sync.plan_insights_chunk_days(v_account.id, p_until - v_first + 1, v_chunk_days);
    if p_until - v_first + 1 > v_period then
      v_chunk_days := greatest(v_chunk_days, v_period);
    end if;
    v_chunks := ceil((p_until - v_first + 1)::numeric / v_chunk_days)::integer;
  end if;
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

  -- 3. Insights newest first, each after the structure chunk; together exactly [first, until],
  --    where first is since, or the account's creation day when that is later.
  insert into meta_sync.sync_job_chunks
    (job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order,
     priority, run_after, created_at)
  select v_job_id, v_account.id, v_structure, 'insights',
         greatest(v_first, p_until - (i + 1) * v_chunk_days + 1), p_until - i * v_chunk_days,
         i + 1, v_priority, p_now, p_now
  from generate_series(0, v_chunks - 1) as i;

  return v_job_id;
end;
$$;
comment on function meta_sync.request_manual_sync(text, date, date, text, timestamptz) is
  'Enqueues a manual job for [p_since, p_until] (account time zone): a structure chunk, then insights chunks over the days the account existed (from its creation day when that is after p_since), newest first, cut by plan_insights_chunk_days (the rows the account really has: stored rows per day once any are stored, live ads before; phase_1_chunk_days (7) while nothing is known); a range longer than phase_2_period_days (90) gets chunks of at least that many days, as phase 2 has. Malformed id 22007, unknown account P0002; since after until, until in the future, or since beyond history_limit_months (37) back: 22023. Returns the job id.';

select meta_sync.secure_schema();
