-- Phase 1's short first chunk no longer waits for the structure chunk: its rows are read while
-- the structure is listed.

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
as $$
declare
  v_account   meta_sync.meta_ad_accounts;
  v_priority  smallint;
  v_job_id    bigint;
  v_structure bigint;
  v_order     integer := 0;
  v_until     date := p_until;
  v_since     date;
  v_hourly    boolean;
  v_dataset   text;
  v_first     date;
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
  -- Tiers with hourly_enabled get the same slices again as hourly chunks, and each enabled
  -- breakdown set of the organisation its own (back history_months), after the daily ones;
  -- phase 2 reads the daily data only.
  select c.hourly_enabled into v_hourly
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  for v_dataset, v_first in
    select 'daily', p_since
    union all
    select 'hourly', p_since where coalesce(v_hourly, false) and p_phase <> 'historical_backfill'
    union all
    select * from (
      select 'breakdown:' || b.id, greatest(p_since,
               (meta_sync.account_today(v_account.timezone_name, p_now)
                - pg_catalog.make_interval(months => b.history_months))::date + 1)
      from meta_sync.insights_breakdown_sets b
      where b.organization_id = v_account.organization_id and b.enabled
        and p_phase <> 'historical_backfill'
      order by b.id) sets
  loop
    v_until := p_until;
    while v_until >= v_first loop
      v_order := v_order + 1;
      -- The newest daily chunk may be shorter (p_first_chunk_days): the first rows come sooner.
      v_since := greatest(v_first, v_until - (case
        when v_dataset = 'daily' and v_until = p_until then coalesce(p_first_chunk_days, p_chunk_days)
        else p_chunk_days end - 1));
      -- A short first chunk does not wait for the structure chunk: its rows are read while the
      -- structure is listed (the worker stores the objects they name once the listing is in).
      insert into meta_sync.sync_job_chunks (job_id, account_id, depends_on_chunk_id, chunk_type,
                                             date_since, date_until, chunk_order, priority,
                                             run_after, created_at, dataset)
      values (v_job_id, v_account.id,
              case when p_first_chunk_days is not null and v_dataset = 'daily' and v_until = p_until
                   then null else v_structure end,
              'insights', v_since, v_until, v_order, v_priority, p_now, p_now, v_dataset);
      v_until := v_since - 1;
    end loop;
  end loop;

  update meta_sync.sync_jobs j
  set total_chunks = v_order + (case when p_with_structure then 1 else 0 end)
  where j.id = v_job_id;
  return v_job_id;
end;
$$;
comment on function meta_sync.create_sync_job(text, meta_sync.sync_phase, meta_sync.sync_type, date, date, integer, boolean, timestamptz, text, timestamptz, integer) is
  'Internal planner: inserts a job for [p_since, p_until] with an optional structure chunk (order 0) and insights chunks of p_chunk_days, newest first (order 1..n; when p_first_chunk_days is given the newest daily chunk is that long and waits for no structure chunk, < 1 -> 22023), the others each depending on the structure chunk; when the tier has meta_sync_config.hourly_enabled the same slices again as dataset hourly chunks, and for each enabled insights_breakdown_sets row of the organisation as dataset breakdown:<id> chunks (not before today - history_months), after the daily ones (not for historical_backfill); priority = chunk_priority(phase, tier), total_chunks filled, every timestamp p_now. Returns NULL (and creates nothing) when an open job of the same kind exists (unique partial indexes).';

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
    true, null, 'onboarding', p_now,
    -- The newest day(s) alone first: the first rows a user sees cost one page.
    v_settings.phase_1_first_chunk_days);
end;
$$;
comment on function meta_sync.start_account_onboarding(text, timestamptz) is
  'Phase 1 of onboarding: a recent_window/initial job with a structure chunk and insights chunks over the last sync_planner_settings.phase_1_days (90) ending today in the account time zone (not before its creation day), newest first, the newest chunk phase_1_first_chunk_days long (1) and read while the structure is listed, the others cut by plan_insights_chunk_days (phase_1_chunk_days while the ads are unknown, as on a first onboarding), each depending on the structure chunk. Idempotent: returns the existing open or completed phase-1 job. Malformed id -> 22007, unknown account -> P0002.';
