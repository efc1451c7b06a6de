-- Onboarding phase 1 reads a configurable window (sync_planner_settings.phase_1_days), not
-- always 90 days: the sync_phase value recent_90_days becomes recent_window.
-- Stored expressions (the partial index on sync_jobs, the meta_sync_status view) refer to the
-- enum value itself and follow the rename; function bodies are text and are replaced below.

alter type meta_sync.sync_phase rename value 'recent_90_days' to 'recent_window';

comment on type meta_sync.sync_phase is
  'Why a job exists: onboarding phase 1 (recent_window: the last sync_planner_settings.phase_1_days, 90 by default) and 2 (historical_backfill: older history), the tier schedule, the daily attribution settle, an admin request, a webhook.';
comment on column meta_sync.sync_planner_settings.phase_1_days is
  'Onboarding phase 1 (recent_window) reads the last N days ending today in the account time zone (90).';

-- Claim order of a chunk, lower first: the phase decides, the tier breaks ties within a phase.

create or replace function meta_sync.chunk_priority(p_phase meta_sync.sync_phase, p_tier meta_sync.sync_tier)
returns smallint
language sql
immutable
parallel safe
set search_path = ''
as $$
  select (
    case p_phase
      when 'recent_window'       then 10  -- onboarding: users see their data fast
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
  'Claim order of a chunk, lower first: recent_window 10-12, manual/webhook 20-22, incremental 30-32, settle 40-42, historical_backfill 50-52 (high, medium, low). Stored in sync_job_chunks.priority when a chunk is created and when the account''s tier changes.';

-- Onboarding phase 1 (recent_window): structure, then the last phase_1_days (90 by default; account time zone), newest first.

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
    and j.sync_phase = 'recent_window'
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
    v_account.id, 'recent_window', 'initial', v_since, v_today,
    -- A first onboarding knows no ads yet: phase_1_chunk_days. A retry after a failed phase 1
    -- may know them from its structure chunk.
    meta_sync.plan_insights_chunk_days(v_account.id, v_today - v_since + 1,
                                       v_settings.phase_1_chunk_days),
    true, null, 'onboarding', p_now);
end;
$$;
comment on function meta_sync.start_account_onboarding(text, timestamptz) is
  'Phase 1 of onboarding: a recent_window/initial job with a structure chunk and insights chunks over the last sync_planner_settings.phase_1_days (90) ending today in the account time zone (not before its creation day), newest first, cut by plan_insights_chunk_days (phase_1_chunk_days while the ads are unknown, as on a first onboarding), each depending on the structure chunk. Idempotent: returns the existing open or completed phase-1 job. Malformed id -> 22007, unknown account -> P0002.';

-- Onboarding phase 2: from the account's creation (at most 37 months back) to the day before
-- phase 1's first day, in 90-day periods, newest first.

create or replace function meta_sync.enqueue_historical_backfill(
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
    and j.sync_phase = 'recent_window'
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

-- Onboarding bookkeeping when a phase job is final: timestamps, schedule, phase 2.

create or replace function meta_sync.finish_onboarding_phase(
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
  if v_job.sync_phase not in ('recent_window', 'historical_backfill')
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
  'Called when a job becomes final. Phase 1 (recent_window, completed or completed_with_errors): phase_1_completed_at = last_meta_sync_at = p_now (next_sync_at from the tier), last_settle_at, insights fresh_through >= the job''s date_until, then phase 2 is enqueued (its job id returned) or, with nothing older, phase_2_completed_at set. Phase 2: phase_2_completed_at. Other phases, failed or cancelled jobs: no-op, NULL. Idempotent. Unknown job -> P0002, job still open -> 55000.';

-- Turns the schedule into work: onboarding for new accounts, incremental jobs for due ones, the
-- daily settle; while the app is throttled only HIGH accounts get anything.

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

