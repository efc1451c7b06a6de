-- Onboarding phase 2: from the account's creation (at most 37 months back) to the day before
-- phase 1's first day, in 90-day periods, newest first.

create function meta_sync.enqueue_historical_backfill(
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
