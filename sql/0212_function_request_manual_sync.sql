-- An admin asks for a custom date range: a manual job with a structure chunk and insights chunks.

create function meta_sync.request_manual_sync(
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
