-- Throttles are charged to the scope Meta names; an unscoped one backs the account off for a
-- short, growing time (rate_limit_count) instead of 15 minutes; ETAs include the backoff.

alter table meta_sync.meta_ad_accounts
  add column rate_limit_count integer not null default 0
    constraint rate_limit_count_non_negative check (rate_limit_count >= 0);
comment on column meta_sync.meta_ad_accounts.rate_limit_count is
  'Throttles in a row without a regain time from Meta: the backoff doubles with each (30 s, 1, 2 ... at most 15 min); a success resets it.';

create or replace function meta_sync.update_meta_sync_status(
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
  v_strikes  integer;
  v_pushed   interval;
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
        rate_limit_count = 0,
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

  else  -- rate_limited: Meta's regain time, else a short backoff doubling per throttle in a row
    if p_regain_at is not null then
      v_strikes := v_account.rate_limit_count;
      v_backoff := greatest(p_regain_at, p_now);
    else
      v_strikes := v_account.rate_limit_count + 1;
      v_backoff := p_now + pg_catalog.make_interval(secs => least(
        900, 30 * power(2, least(v_strikes, 10) - 1)));
    end if;
    -- The open jobs' ETAs move by what the backoff adds beyond the one already running.
    v_pushed := greatest(v_backoff - greatest(v_account.rate_limit_backoff_until, p_now), interval '0');
    update meta_sync.meta_ad_accounts a
    set rate_limit_backoff_until = greatest(a.rate_limit_backoff_until, v_backoff),
        rate_limit_count = v_strikes,
        last_sync_error = coalesce(p_error, 'rate limited by Meta'),
        last_sync_attempt_at = p_now,
        next_sync_at = case when a.phase_1_completed_at is null then null
                            else greatest(a.next_sync_at, a.rate_limit_backoff_until, v_backoff) end,
        updated_at = p_now
    where a.id = v_account.id
    returning a.next_sync_at into v_next;
    if v_pushed > interval '0' then
      update meta_sync.sync_jobs j
      set estimated_completion_at = j.estimated_completion_at + v_pushed, updated_at = p_now
      where j.account_id = v_account.id and j.status in ('pending', 'in_progress')
        and j.estimated_completion_at is not null;
    end if;
  end if;
  return v_next;
end;
$$;
comment on function meta_sync.update_meta_sync_status(text, text, text, timestamptz, date, timestamptz) is
  'Records a sync outcome and returns the new next_sync_at. success: last_meta_sync_at = p_now, next due from the tier, errors reset, insights freshness advanced to p_fresh_through (never backwards). error: count + message, retry after least(interval, 5 min * 2^(count-1)). rate_limited: rate_limit_backoff_until = p_regain_at (Meta''s regain time) or, without one, p_now + 30 s doubling per throttle in a row (rate_limit_count; at most 15 min), next_sync_at not before it, the ETAs of the account''s open jobs moved by the added wait. Bad outcome -> 22023, malformed id -> 22007, unknown account -> P0002.';

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
  'Internal: adds a chunk outcome to its job (counts, rows, calls, entity counts), recomputes progress and the ETA (remaining x average chunk duration / observed parallelism, parallelism = busy chunk-seconds / elapsed job seconds, plus what is left of the account''s rate-limit backoff) and, when every chunk is final, ends the job (completed, completed_with_errors or failed) and runs finish_sync_job.';


create function meta_sync.get_throttle_blocks(p_now timestamptz default now())
returns table (scope_type text, scope_id text, usage_type text, blocked_until timestamptz,
               reason text)
language sql
stable
security invoker
set search_path = ''
as $$
  select s.scope_type, s.scope_id, s.usage_type, s.blocked_until,
         case when s.last_throttle_code is not null
              then 'Meta throttle code ' || s.last_throttle_code
              else 'usage reported by Meta' end
  from meta_sync.meta_rate_limit_state s
  where s.blocked_until > p_now
  union all
  select 'account_backoff', a.id, '', a.rate_limit_backoff_until,
         coalesce(a.last_sync_error, 'rate limited by Meta')
  from meta_sync.meta_ad_accounts a
  where a.rate_limit_backoff_until > p_now
  order by 4 desc, 1, 2, 3
$$;
comment on function meta_sync.get_throttle_blocks(timestamptz) is
  'Throttles in force at p_now, latest end first: meta_rate_limit_state scopes blocked beyond p_now (app, ad_account, business_use_case) and accounts whose rate_limit_backoff_until is later than p_now (scope_type account_backoff, scope_id the account, reason its last error).';

select meta_sync.secure_schema();
