-- The scheduler at 1 000 000 accounts: due accounts and settle candidates by sub-selects and
-- tier by tier (plans that cannot flip to a sort of every account), one-statement job planning
-- with its total, generic plans for the per-job helpers, the live-ad count capped, and claims
-- that never wait on another claimer's job row (apply_chunk_outcome starts a job left pending).
-- Same signatures as before: every object is replaced in place.

-- ==== 0131_function_get_meta_accounts_due_for_sync.sql
-- Accounts due now: HIGH first, then medium, then low; within a tier the most overdue first.

create or replace function meta_sync.get_meta_accounts_due_for_sync(
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
  -- (tier, next_sync_at, id) that stops after the accounts still needed. The connection and
  -- open-job checks are scalar sub-selects by key, evaluated for the rows the scan reaches: as
  -- joins their estimates (a rarely analysed meta_connections, a sync_jobs just grown) could
  -- turn the plan into a sort of every due account of the tier, seconds at 1 000 000 accounts.
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
      and coalesce((select c.status = 'active' from meta_sync.meta_connections c
                    where c.id = acc.connection_id), false)
      and not coalesce((select true from meta_sync.sync_jobs j
                        where j.account_id = acc.id
                          and j.sync_phase = 'incremental'
                          and j.status in ('pending', 'in_progress')), false)
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

-- ==== 0148_function_estimate_insights_rows_per_day.sql
-- How many ad-day insights rows one day of an account holds: what the account really has.
-- Once rows are stored, their count over the latest 28 stored days (default attribution, no
-- breakdown); before that, the live ads (every ad may deliver every day); NULL when neither is
-- known (no structure read yet).

create or replace function meta_sync.estimate_insights_rows_per_day(p_account_id text)
returns numeric
language plpgsql
stable
security invoker
set search_path = ''
-- Generic plans: lookups by key whatever the arguments; re-planning them cost more than running
-- them (one call per job, 100 jobs per enqueue_due_syncs call).
set plan_cache_mode = force_generic_plan
as $$
declare
  v_page   integer;
  v_cap    integer;
  v_latest date;
  v_first  date;
  v_rows   bigint;
  v_ads    bigint;
begin
  select s.insights_rows_per_chunk into v_page from meta_sync.sync_planner_settings s;
  select max(i.date) into v_latest
  from meta_sync.meta_insights_daily i
  where i.account_id = p_account_id;
  if v_latest is not null then
    -- Counting past 28 pages changes nothing (a day fills a page either way): big accounts stop.
    v_cap := 28 * v_page;
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
  -- More ads than one page holds already means one day per chunk: counting stops there.
  select count(*) into v_ads
  from (select 1 from meta_sync.meta_ads ad
        where ad.account_id = p_account_id and not ad.is_deleted
        limit v_page + 1) live;
  if v_ads = 0 and not exists (select 1 from meta_sync.data_freshness f
                               where f.account_id = p_account_id and f.dataset = 'structure') then
    return null;
  end if;
  return v_ads;
end;
$$;
comment on function meta_sync.estimate_insights_rows_per_day(text) is
  'Internal planner helper: estimated ad-day insights rows per day of an account. With rows stored: the default rows of the latest 28 days up to the newest stored day, divided by the days from the first of them (days without rows count as zero; counting stops at 28 pages of insights_rows_per_chunk). Before any row: live ads (meta_ads not deleted; every ad may deliver every day; counting stops at insights_rows_per_chunk + 1, which already means one day per chunk). NULL when the ads are unknown too (no structure read, no ad stored).';

-- ==== 0149_function_plan_insights_chunk_days.sql
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

-- ==== 0150_function_create_sync_job.sql
-- One job with its chunks: an optional structure chunk, then insights chunks newest first.

create or replace function meta_sync.create_sync_job(
  p_account_id     text,
  p_phase          meta_sync.sync_phase,
  p_type           meta_sync.sync_type,
  p_since          date,
  p_until          date,
  p_chunk_days     integer,
  p_with_structure boolean,
  p_updated_since  timestamptz default null,
  p_requested_by   text default null,
  p_now            timestamptz default now(),
  p_first_chunk_days integer default null
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
  v_priority  smallint;
  v_job_id    bigint;
  v_structure bigint;
  v_hourly    boolean;
  v_datasets  text[];
  v_firsts    date[];
  v_heads     integer[];
  v_slices    integer[];
  v_total     integer;
begin
  if p_since is null or p_until is null or p_since > p_until then
    raise exception 'invalid date range % .. %', p_since, p_until using errcode = '22023';
  end if;
  if p_chunk_days is null or p_chunk_days < 1 then
    raise exception 'chunk size must be at least 1 day, got %', p_chunk_days using errcode = '22023';
  end if;
  if p_first_chunk_days is not null and p_first_chunk_days < 1 then
    raise exception 'first chunk size must be at least 1 day, got %', p_first_chunk_days
      using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  v_priority := meta_sync.chunk_priority(p_phase, v_account.meta_sync_priority);

  -- The datasets to slice, in chunk order, each from its first day: daily; the same again
  -- hourly on tiers with hourly_enabled; each enabled breakdown set of the organisation (back
  -- history_months). Phase 2 reads the daily data only.
  select c.hourly_enabled into v_hourly
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  select pg_catalog.array_agg(d.dataset order by d.rank, d.set_id),
         pg_catalog.array_agg(d.first order by d.rank, d.set_id)
  into v_datasets, v_firsts
  from (
    select 1 as rank, 0::bigint as set_id, 'daily' as dataset, p_since as first
    union all
    select 2, 0, 'hourly', p_since where coalesce(v_hourly, false) and p_phase <> 'historical_backfill'
    union all
    select 3, b.id, 'breakdown:' || b.id, greatest(p_since,
             (meta_sync.account_today(v_account.timezone_name, p_now)
              - pg_catalog.make_interval(months => b.history_months))::date + 1)
    from meta_sync.insights_breakdown_sets b
    where b.organization_id = v_account.organization_id and b.enabled
      and p_phase <> 'historical_backfill') as d
  where d.first <= p_until;

  -- Slices back from p_until down to each first day: the newest one v_heads[i] days (the newest
  -- daily chunk may be shorter, p_first_chunk_days: the first rows come sooner), the others
  -- p_chunk_days. Known before any row is written, so the job is inserted with its total (one
  -- row version, one progress event).
  v_total := case when p_with_structure then 1 else 0 end;
  for i in 1 .. pg_catalog.cardinality(v_datasets) loop
    v_heads[i] := case when v_datasets[i] = 'daily' then coalesce(p_first_chunk_days, p_chunk_days)
                       else p_chunk_days end;
    v_slices[i] := 1 + case when p_until - v_heads[i] >= v_firsts[i]
                            then (p_until - v_heads[i] - v_firsts[i]) / p_chunk_days + 1
                            else 0 end;
    v_total := v_total + v_slices[i];
  end loop;

  -- The unique partial indexes on sync_jobs refuse a second open job of the same kind.
  insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type, date_since,
                                   date_until, requested_by, total_chunks, created_at, updated_at)
  values (v_account.id, v_account.organization_id, p_phase, p_type, p_since, p_until,
          p_requested_by, v_total, p_now, p_now)
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

  -- Newest slice first: chunk_order and id (the claim's tie-breaker) both run backwards in time
  -- (the ids are drawn in the order of the sorted rows). One statement for every slice. A short
  -- first chunk does not wait for the structure chunk: its rows are read while the structure is
  -- listed (the worker stores the objects they name once the listing is in).
  insert into meta_sync.sync_job_chunks (job_id, account_id, depends_on_chunk_id, chunk_type,
                                         date_since, date_until, chunk_order, priority,
                                         run_after, created_at, dataset)
  select v_job_id, v_account.id,
         case when p_first_chunk_days is not null and d.dataset = 'daily' and s.n = 0
              then null else v_structure end,
         'insights',
         greatest(d.first, case when s.n = 0 then p_until - (d.head - 1)
                                else p_until - d.head - s.n * p_chunk_days + 1 end),
         case when s.n = 0 then p_until else p_until - d.head - (s.n - 1) * p_chunk_days end,
         (pg_catalog.row_number() over (order by d.ord, s.n))::integer,
         v_priority, p_now, p_now, d.dataset
  from unnest(v_datasets, v_firsts, v_heads, v_slices) with ordinality
         as d (dataset, first, head, slices, ord)
  cross join lateral pg_catalog.generate_series(0, d.slices - 1) as s (n)
  order by d.ord, s.n;
  return v_job_id;
end;
$$;
comment on function meta_sync.create_sync_job(text, meta_sync.sync_phase, meta_sync.sync_type, date, date, integer, boolean, timestamptz, text, timestamptz, integer) is
  'Internal planner: inserts a job for [p_since, p_until] with an optional structure chunk (order 0) and insights chunks of p_chunk_days, newest first (order 1..n; when p_first_chunk_days is given the newest daily chunk is that long and waits for no structure chunk, < 1 -> 22023), the others each depending on the structure chunk; when the tier has meta_sync_config.hourly_enabled the same slices again as dataset hourly chunks, and for each enabled insights_breakdown_sets row of the organisation as dataset breakdown:<id> chunks (not before today - history_months), after the daily ones (not for historical_backfill); priority = chunk_priority(phase, tier), total_chunks filled, every timestamp p_now. Returns NULL (and creates nothing) when an open job of the same kind exists (unique partial indexes).';

-- ==== 0154_function_enqueue_incremental_sync.sql
-- The tier schedule's job: insights from the day after fresh_through (or the tier's re-read
-- window, whichever is earlier) to today, and the structure since the last structure sync when
-- that listing is older than the tier's structure_refresh_minutes.

create or replace function meta_sync.enqueue_incremental_sync(
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

-- ==== 0160_function_enqueue_due_syncs.sql
-- Turns the schedule into work: onboarding for new accounts, incremental jobs for due ones, the
-- daily settle; while the app is throttled only HIGH accounts get anything; while the schedule is
-- paused (meta_sync.schedule_state, pause_schedule) nothing.

create or replace function meta_sync.enqueue_due_syncs(
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
  v_tier      meta_sync.sync_tier;
  v_settle    integer;
begin
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'p_limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  -- The one pause: pg_cron's /tick and idle workers both call this function.
  if exists (select 1 from meta_sync.schedule_state s where s.paused) then
    return;
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
                      where j.account_id = a.id and j.sync_phase = 'recent_window'
                        and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors'))
    order by a.meta_sync_priority, a.created_at, a.id
    limit v_left
  loop
    v_job_id := meta_sync.start_account_onboarding(v_account, p_now);
    job_id := v_job_id; account_id := v_account; sync_phase := 'recent_window';
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

  -- (c) The daily settle of onboarded accounts, tier by tier (HIGH first), the least recently
  --     settled first: each tier's bound is a constant, so its accounts due for a settle come
  --     from meta_ad_accounts_settle_idx (a bound taken from a join with meta_sync_config
  --     made the plan read every account).
  for v_tier, v_settle in
    select cfg.tier, cfg.settle_interval_minutes
    from meta_sync.meta_sync_config cfg
    where not v_throttled or cfg.tier = 'high'
    order by cfg.tier
  loop
    exit when v_left <= 0;
    for v_account in
      select a.id::text
      from meta_sync.meta_ad_accounts a
      where a.meta_sync_priority = v_tier
        and a.phase_1_completed_at is not null
        and not a.paused
        and (a.last_settle_at is null
             or a.last_settle_at <= p_now - pg_catalog.make_interval(mins => v_settle))
        and (a.rate_limit_backoff_until is null or a.rate_limit_backoff_until <= p_now)
        and exists (select 1 from meta_sync.meta_connections c
                    where c.id = a.connection_id and c.status = 'active')
        and not exists (select 1 from meta_sync.sync_jobs j
                        where j.account_id = a.id and j.sync_phase = 'settle'
                          and j.status in ('pending', 'in_progress'))
      order by a.last_settle_at nulls first, a.id
      limit v_left
    loop
      v_job_id := meta_sync.enqueue_settle_sync(v_account, p_now);
      if v_job_id is not null then
        job_id := v_job_id; account_id := v_account; sync_phase := 'settle';
        return next;
        v_left := v_left - 1;
      end if;
    end loop;
  end loop;
end;
$$;
comment on function meta_sync.enqueue_due_syncs(integer, timestamptz) is
  'Creates at most p_limit jobs and returns them: (a) phase 1 for accounts never onboarded (after a failed phase 1, not before last_sync_attempt_at + least(tier interval, 5 min * 2^(sync_error_count - 1))), (b) an incremental job for each account of get_meta_accounts_due_for_sync, (c) a settle job for onboarded accounts whose last_settle_at is older than their tier''s settle_interval_minutes. Returns nothing while the schedule is paused (schedule_state.paused: pause_schedule / resume_schedule). Paused, backed-off and inactive-connection accounts are skipped; while an app-scope meta_rate_limit_state row is blocked past p_now only HIGH accounts are enqueued. Safe concurrently (advisory lock, unique partial indexes): a concurrent call returns nothing. p_limit outside 1..10000 -> 22023.';

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

-- ==== 0201_function_apply_chunk_outcome.sql
-- One place where a chunk outcome reaches its job: counters, progress, ETA, the final status and
-- the scheduling hooks run when the job ends.

create or replace function meta_sync.apply_chunk_outcome(
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
  -- A throttled account waits out its backoff first: the ETA includes what is left of it.
  v_eta := case
    when v_final or v_avg is null then null
    else p_now + make_interval(secs => (v_total - v_finished) * v_avg / v_parallel)
         + coalesce((select greatest(a.rate_limit_backoff_until - p_now, interval '0')
                     from meta_sync.meta_ad_accounts a where a.id = v_job.account_id), interval '0')
  end;

  -- A job still pending has a chunk running (its claim found the job row held by another
  -- transaction and left the start to later, claim_sync_chunks): it starts now.
  v_status := case
    when not v_final and v_job.status = 'pending' then 'in_progress'
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
    started_at              = case when v_job.status = 'pending' then coalesce(j.started_at, p_now)
                                   else j.started_at end,
    updated_at              = p_now
  where j.id = p_job_id;

  if v_final then
    perform meta_sync.finish_sync_job(p_job_id, v_status, p_fresh_through, p_now);
  end if;
  return v_status;
end;
$$;
comment on function meta_sync.apply_chunk_outcome(bigint, integer, integer, integer, bigint, integer, jsonb, text, date, timestamptz) is
  'Internal: adds a chunk outcome to its job (counts, rows, calls, entity counts), starts it when it is still pending (in_progress, started_at = p_now), recomputes progress and the ETA (remaining x average chunk duration / observed parallelism, parallelism = busy chunk-seconds / elapsed job seconds, plus what is left of the account''s rate-limit backoff) and, when every chunk is final, ends the job (completed, completed_with_errors or failed) and runs finish_sync_job.';

-- ==== 0203_function_claim_sync_chunks.sql
-- Workers claim chunks here: FOR UPDATE SKIP LOCKED, then a lease. Never two owners at once.
-- Per account and worker, phase 2's chunks (history read as async report runs: mostly waiting on
-- Meta, not calling) have their own limit, so a new account's history runs side by side.

create or replace function meta_sync.claim_sync_chunks(
  p_worker        text,
  p_limit         integer default 1,
  p_lease_seconds integer default 120,
  p_now           timestamptz default now(),
  p_per_account   integer default null,
  p_per_account_history integer default null
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
-- One plan for every call: the statement below is index-driven whatever the arguments (custom
-- plans cost more to make than to run, every call).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  -- account -> chunks p_worker has in progress; with p_per_account_history its phase-2 chunks
  -- apart, under account || '/history'. Phase 2's chunks are the ones from v_history on
  -- (chunk_priority orders by phase first, historical_backfill last).
  v_held    jsonb := '{}';
  v_history smallint := case when p_per_account_history is null then 32767::smallint
                             else meta_sync.chunk_priority('historical_backfill', 'high') end;
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
  if p_per_account_history is not null and p_per_account_history not between 1 and 1000 then
    raise exception 'per-account history limit must be between 1 and 1000, got %', p_per_account_history
      using errcode = '22023';
  end if;
  if p_per_account is not null or p_per_account_history is not null then
    -- The running chunks are few (sync_job_chunks_lease_idx covers exactly them).
    select coalesce(jsonb_object_agg(h.held_key, h.n), '{}') into v_held
    from (select r.account_id || case when r.priority >= v_history then '/history' else '' end
                   as held_key,
                 count(*) as n
          from meta_sync.sync_job_chunks as r
          where r.status = 'in_progress' and r.locked_by = p_worker
          group by 1) as h;
  end if;

  return query
  with candidates as (
    -- 1. The claimable chunks, best first (sync_job_chunks_claimable_idx), locked; rows
    --    another claimer holds are skipped, rows it already took fail the recheck of status.
    --    The chunk index drives the scan (priority, run_after, id, no sort); the other
    --    conditions are scalar sub-selects by primary key, evaluated only for the rows the scan
    --    reaches (the planner cannot turn them into joins over the whole queue), so a claim costs
    --    O(p_limit + skipped rows), not O(queue).
    select c.id, c.account_id, c.priority, c.run_after,
           c.account_id || case when c.priority >= v_history then '/history' else '' end
             as held_key
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
      and coalesce(                                         -- accounts p_worker has enough of
        coalesce((v_held ->> (c.account_id || case when c.priority >= v_history
                                                   then '/history' else '' end))::integer, 0)
        < case when c.priority >= v_history then p_per_account_history else p_per_account end,
        true)
      and coalesce(                                         -- prerequisite done (or failed)
        (select d.status from meta_sync.sync_job_chunks as d where d.id = c.depends_on_chunk_id),
        'completed') not in ('pending', 'in_progress')
    order by c.priority, c.run_after, c.id
    limit p_limit
    for update of c skip locked
  ),
  allowed as (
    -- 1b. With p_per_account: per account (and its phase-2 chunks apart), what this worker holds
    --     plus what it takes now stays within the limit (the rows left out stay pending; their
    --     row locks end with the claim).
    select r.id
    from (select k.id, k.held_key, k.priority >= v_history as history,
                 row_number() over (partition by k.held_key
                                    order by k.priority, k.run_after, k.id) as nth
          from candidates as k) as r
    where coalesce(r.nth + coalesce((v_held ->> r.held_key)::integer, 0)
                   <= case when r.history then p_per_account_history else p_per_account end,
                   true)
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
    -- 3. Jobs still pending start now (by primary key). A job row another transaction holds is
    --    skipped, not waited for: that is nearly always a concurrent claim starting the same
    --    job (two claimers taking the two halves of one job must not run one after the other);
    --    any other holder (a cancel, a webhook resync, an ETA push) leaves the start to the
    --    next claim of the job's chunks or to the first chunk outcome (apply_chunk_outcome).
    select j.id
    from meta_sync.sync_jobs as j
    where j.id = any (array(select distinct cl.job_id from claimed as cl)) and j.status = 'pending'
    order by j.id
    for no key update of j skip locked
  ),
  started as (
    update meta_sync.sync_jobs as j
    set status = 'in_progress', started_at = coalesce(j.started_at, p_now), updated_at = p_now
    where j.id = any (array(select s.id from jobs_to_start as s))
    returning j.id
  )
  select cl.id, cl.lease_token, cl.locked_until, cl.job_id, cl.account_id::text,
         a.organization_id, a.connection_id, a.timezone_name, a.currency,
         (select j.sync_phase from meta_sync.sync_jobs as j where j.id = cl.job_id),
         cl.chunk_type, cl.date_since, cl.date_until, cl.campaign_ids, cl.updated_since,
         cl.retry_count, cl.max_retries, cl.claimed_count, cl.parent_chunk_id
  from claimed as cl
  join meta_sync.meta_ad_accounts as a on a.id = cl.account_id
  order by cl.priority, cl.run_after, cl.id;
end;
$$;
comment on function meta_sync.claim_sync_chunks(text, integer, integer, timestamptz, integer, integer) is
  'Claims up to p_limit pending chunks due at p_now (priority, run_after, id order) with FOR UPDATE SKIP LOCKED, skipping chunks whose prerequisite chunk is pending or running, paused or backed-off accounts, accounts without an active connection, and jobs no longer open. With p_per_account, no account ends up with more than that many chunks in progress for p_worker: accounts it already runs that many of are skipped by the scan (not 1..1000 -> 22023); with p_per_account_history, phase-2 chunks (historical_backfill, told by their priority) count apart, against that limit (not 1..1000 -> 22023): history is read as async report runs that mostly wait on Meta. A NULL limit is no limit. Each gets a lease (locked_by, locked_until = p_now + p_lease_seconds, a new lease_token); its job starts (status in_progress, started_at) unless another transaction holds the job row at that moment (a concurrent claim starting it: never waited for), then the next claim or chunk outcome of the job starts it. Returns what the worker needs to run it.';
