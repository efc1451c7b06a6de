-- An admin gives the failed chunks of a job another go.

create function meta_sync.retry_failed_chunks(
  p_job_id bigint,
  p_now    timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_job   meta_sync.sync_jobs;
  v_count integer;
begin
  select j.* into v_job from meta_sync.sync_jobs as j where j.id = p_job_id for update;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;
  if v_job.status = 'cancelled' then
    raise exception 'job % is cancelled: request a new sync instead', p_job_id using errcode = '55000';
  end if;

  -- 1. Failed chunks start over: pending now, retry budget reset.
  with retried as (
    update meta_sync.sync_job_chunks as c
    set status = 'pending', retry_count = 0, run_after = p_now,
        completed_at = null, actual_duration_seconds = null
    where c.job_id = p_job_id and c.status = 'failed'
    returning c.id
  )
  select count(*)::integer into v_count from retried;
  if v_count = 0 then
    return 0;
  end if;

  -- 2. The job is open again (a unique index allows one open scheduled job per account).
  begin
    update meta_sync.sync_jobs as j
    set status = 'in_progress',
        failed_chunks = j.failed_chunks - v_count,
        progress_percentage = case when j.total_chunks > 0
          then round(100.0 * (j.completed_chunks + j.failed_chunks - v_count) / j.total_chunks, 2)
          else 0 end,
        completed_at = null,
        started_at = coalesce(j.started_at, p_now),
        updated_at = p_now
    where j.id = p_job_id;
  exception when unique_violation then
    raise exception 'job % cannot be reopened: account % already has an open % job',
      p_job_id, v_job.account_id, v_job.sync_phase using errcode = '55000';
  end;
  return v_count;
end;
$$;
comment on function meta_sync.retry_failed_chunks(bigint, timestamptz) is
  'Puts the failed chunks of a job back to pending (retry_count reset, due at p_now) and reopens the job (in_progress). Unknown job: P0002; cancelled job, or an account that already has another open job of that phase: 55000. Returns how many chunks were retried.';
