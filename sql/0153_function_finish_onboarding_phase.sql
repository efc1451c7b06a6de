-- Onboarding bookkeeping when a phase job is final: timestamps, schedule, phase 2.

create function meta_sync.finish_onboarding_phase(
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
