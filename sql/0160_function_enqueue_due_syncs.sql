-- Turns the schedule into work: onboarding for new accounts, incremental jobs for due ones, the
-- daily settle; while the app is throttled only HIGH accounts get anything; while the schedule is
-- paused (meta_sync.schedule_state, pause_schedule) nothing.

create function meta_sync.enqueue_due_syncs(
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
  on meta_sync.meta_ad_accounts (meta_sync_priority, last_settle_at nulls first, id)
  where phase_1_completed_at is not null and not paused;
comment on index meta_sync.meta_ad_accounts_settle_idx is
  'enqueue_due_syncs (c): onboarded accounts by last settle, per tier, in the order (c) takes them (never settled first, then the oldest, id): the first 100 of a tier whose every account is due are read, not sorted out of all of them.';
