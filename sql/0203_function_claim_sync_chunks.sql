-- Workers claim chunks here: FOR UPDATE SKIP LOCKED, then a lease. Never two owners at once.
-- Per account and worker, phase 2's chunks (history read as async report runs: mostly waiting on
-- Meta, not calling) have their own limit, so a new account's history runs side by side.

create function meta_sync.claim_sync_chunks(
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
