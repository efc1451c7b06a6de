-- One job with its chunks: an optional structure chunk, then insights chunks newest first.

create function meta_sync.create_sync_job(
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
