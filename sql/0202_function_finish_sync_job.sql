-- What happens when a job ends: the scheduling engine learns the outcome (sql/01xx, "Scheduling
-- API" in sql/README.md).

create function meta_sync.finish_sync_job(
  p_job_id        bigint,
  p_status        meta_sync.job_status,
  p_fresh_through date default null,
  p_now           timestamptz default now()
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_job        meta_sync.sync_jobs;
  v_fresh      date;
  v_contiguous boolean;
begin
  select j.* into v_job from meta_sync.sync_jobs as j where j.id = p_job_id;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;

  -- Onboarding phases: phase timestamps, freshness, phase 2 enqueued after phase 1. A no-op for
  -- other phases and for failed jobs (the scheduler's contract), so it is always called.
  perform meta_sync.finish_onboarding_phase(p_job_id, p_now);

  if p_status = 'failed' then
    perform meta_sync.update_meta_sync_status(
      v_job.account_id, 'error',
      p_error => coalesce(v_job.last_error, 'every chunk of job ' || p_job_id || ' failed'),
      p_now => p_now);
  elsif v_job.sync_phase in ('incremental', 'settle', 'manual') then
    -- Insights are fresh through the job's end only when its range touches what was already
    -- fresh: a range further ahead would leave a gap behind the fresh-through date.
    select f.fresh_through into v_fresh
    from meta_sync.data_freshness as f
    where f.account_id = v_job.account_id and f.dataset = 'insights';
    v_contiguous := v_fresh is not null and v_job.date_since <= v_fresh + 1;
    if v_job.sync_phase = 'manual' and not v_contiguous then
      -- A custom range elsewhere in history: its rows are stored, the schedule is untouched.
      return;
    end if;
    -- completed: fresh through the job's end unless the worker said otherwise;
    -- completed_with_errors: only what the worker vouched for (NULL = unchanged).
    perform meta_sync.update_meta_sync_status(
      v_job.account_id, 'success',
      p_fresh_through => case when not v_contiguous then null
                              when p_status = 'completed'
                              then coalesce(p_fresh_through, v_job.date_until)
                              else p_fresh_through end,
      p_now => p_now);
    if v_job.sync_phase = 'settle' then
      update meta_sync.meta_ad_accounts as a
      set last_settle_at = p_now, updated_at = p_now
      where a.id = v_job.account_id;
    end if;
  end if;
end;
$$;
comment on function meta_sync.finish_sync_job(bigint, meta_sync.job_status, date, timestamptz) is
  'Internal, called once when a job reaches a final status by its chunks: finish_onboarding_phase (onboarding phases; a no-op otherwise); a failed job (every chunk failed) -> update_meta_sync_status error; a completed incremental/settle/manual job -> update_meta_sync_status success with fresh_through = p_fresh_through or the job''s date_until (completed_with_errors: p_fresh_through only), advanced only when the job''s range touches the current fresh-through date (no gap); a manual job elsewhere in history leaves the schedule alone; a webhook job (structure only) leaves the insights schedule alone; settle jobs also set meta_ad_accounts.last_settle_at.';
