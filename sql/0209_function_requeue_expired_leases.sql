-- The lease reaper (pgflow's requeue_stalled_tasks): a worker that died or stalled loses its
-- chunks when their lease expires; workers call this before claiming.

create function meta_sync.requeue_expired_leases(p_now timestamptz default now())
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_count integer := 0;
  v_job   record;
begin
  for v_job in
    with expired as (
      -- 1. Expired leases (sync_job_chunks_lease_idx); rows another reaper or a completing
      --    worker holds are skipped.
      select c.id
      from meta_sync.sync_job_chunks as c
      where c.status = 'in_progress' and c.locked_until <= p_now
      order by c.id
      for update skip locked
    ),
    requeued as (
      -- 2. Retries left: pending at once, retry_count + 1. Exhausted: failed for good.
      update meta_sync.sync_job_chunks as c
      set status = case when c.retry_count < c.max_retries then 'pending'
                        else 'failed' end::meta_sync.chunk_status,
          retry_count = least(c.retry_count + 1, c.max_retries),
          run_after = p_now,
          completed_at = case when c.retry_count < c.max_retries then null else p_now end,
          actual_duration_seconds = case when c.retry_count < c.max_retries then null
                                         else greatest(extract(epoch from p_now - c.started_at), 0) end,
          last_error = 'lease of ' || c.locked_by || ' expired at ' || c.locked_until,
          locked_by = null, locked_until = null, lease_token = null
      from expired
      where c.id = expired.id
      returning c.job_id, c.status, c.last_error
    )
    select r.job_id,
           count(*)::integer as requeued,
           (count(*) filter (where r.status = 'failed'))::integer as failed,
           max(r.last_error) filter (where r.status = 'failed') as last_error
    from requeued as r
    group by r.job_id
    order by r.job_id                      -- job rows locked in id order: no deadlock
  loop
    v_count := v_count + v_job.requeued;
    -- 3. Chunks failed for good count on their job (which may end).
    if v_job.failed > 0 then
      perform meta_sync.apply_chunk_outcome(
        v_job.job_id, p_failed => v_job.failed, p_error => v_job.last_error, p_now => p_now);
    end if;
  end loop;
  return v_count;
end;
$$;
comment on function meta_sync.requeue_expired_leases(timestamptz) is
  'Reaps leases expired at p_now: the chunk is pending again at once with retry_count + 1, or failed for good when its retries are exhausted (counted on its job). The old lease token stops working. Returns how many chunks were reaped. Workers call it before claiming; pg_cron may too.';
