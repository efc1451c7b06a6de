-- The outcome of a sync: success, error (retry later, growing delay) or rate limited (back off).

create function meta_sync.update_meta_sync_status(
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
