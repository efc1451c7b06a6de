-- An admin stops a job: waiting chunks are cancelled, running ones lose their lease.

create function meta_sync.cancel_sync_job(
  p_job_id bigint,
  p_reason text default null,
  p_now    timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_status    meta_sync.job_status;
  v_cancelled integer;
begin
  select j.status into v_status from meta_sync.sync_jobs as j where j.id = p_job_id;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;
  if v_status not in ('pending', 'in_progress') then
    raise exception 'job % is already %', p_job_id, v_status using errcode = '55000';
  end if;

  -- 1. Chunks first, then the job: the lock order of complete/fail/split (chunk, then job), so a
  --    worker finishing a chunk right now never deadlocks with us; it either commits first (its
  --    chunk counts) or finds its lease revoked.
  with open_chunks as (
    select c.id from meta_sync.sync_job_chunks as c
    where c.job_id = p_job_id and c.status in ('pending', 'in_progress')
    order by c.id
    for update
  ),
  cancelled as (
    update meta_sync.sync_job_chunks as c
    set status = 'cancelled',
        locked_by = null, locked_until = null, lease_token = null,
        completed_at = p_now,
        last_error = coalesce(p_reason, 'job cancelled')
    from open_chunks
    where c.id = open_chunks.id and c.status in ('pending', 'in_progress')
    returning c.id
  )
  select count(*)::integer into v_cancelled from cancelled;

  -- 2. The job, rechecked under its lock (its last chunk may have finished meanwhile).
  update meta_sync.sync_jobs as j
  set status = 'cancelled',
      completed_at = p_now,
      estimated_completion_at = null,
      last_error = coalesce(p_reason, 'cancelled'),
      updated_at = p_now
  where j.id = p_job_id and j.status in ('pending', 'in_progress');
  if not found then
    select j.status into v_status from meta_sync.sync_jobs as j where j.id = p_job_id;
    raise exception 'job % is already %', p_job_id, v_status using errcode = '55000';
  end if;
  return v_cancelled;
end;
$$;
comment on function meta_sync.cancel_sync_job(bigint, text, timestamptz) is
  'Cancels an open job: its pending chunks are cancelled and its running chunks lose their lease (their complete/fail is refused with 55000 "lease"); the job becomes cancelled with p_reason as last_error. Unknown job: P0002; job already final: 55000. Returns how many chunks were cancelled.';
