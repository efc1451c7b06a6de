-- A chunk's attempt failed: retry later with exponential backoff, or fail it for good.

create function meta_sync.fail_sync_chunk(
  p_chunk_id    bigint,
  p_lease_token uuid,
  p_error       text,
  p_retryable   boolean default true,
  p_retry_after timestamptz default null,
  p_now         timestamptz default now(),
  p_api_calls   integer default 0
)
returns meta_sync.chunk_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk meta_sync.sync_job_chunks;
  v_delay interval;
  v_calls integer := coalesce(p_api_calls, 0);
begin
  if v_calls < 0 then
    raise exception 'api calls must not be negative, got %', v_calls using errcode = '22023';
  end if;
  v_chunk := meta_sync.lock_leased_chunk(p_chunk_id, p_lease_token, p_now);

  if coalesce(p_retryable, true) and v_chunk.retry_count < v_chunk.max_retries then
    -- Retry: 30 s x 2^retry_count, at most 1 h, or later if Meta said so (p_retry_after).
    v_delay := make_interval(secs => least(30 * power(2, v_chunk.retry_count), 3600));
    update meta_sync.sync_job_chunks as c
    set status = 'pending',
        locked_by = null, locked_until = null, lease_token = null,
        retry_count = c.retry_count + 1,
        run_after = greatest(p_now + v_delay, coalesce(p_retry_after, p_now)),
        api_calls = c.api_calls + v_calls,
        last_error = p_error
    where c.id = p_chunk_id;
    -- The job counts the calls; the chunk is not final, so nothing else changes.
    if v_calls > 0 then
      perform meta_sync.apply_chunk_outcome(v_chunk.job_id, p_api_calls => v_calls, p_now => p_now);
    end if;
    return 'pending';
  end if;

  -- Final failure. Chunks that depend on this one become claimable (a prerequisite that ended,
  -- even badly, no longer blocks: insights still run when their structure chunk failed).
  update meta_sync.sync_job_chunks as c
  set status = 'failed',
      locked_by = null, locked_until = null, lease_token = null,
      completed_at = p_now,
      actual_duration_seconds = greatest(extract(epoch from p_now - c.started_at), 0),
      api_calls = c.api_calls + v_calls,
      last_error = p_error
  where c.id = p_chunk_id;

  perform meta_sync.apply_chunk_outcome(v_chunk.job_id, p_failed => 1, p_api_calls => v_calls,
                                        p_error => p_error, p_now => p_now);
  return 'failed';
end;
$$;
comment on function meta_sync.fail_sync_chunk(bigint, uuid, text, boolean, timestamptz, timestamptz, integer) is
  'Ends a failed attempt of a leased chunk (lease checked like complete_sync_chunk). Retryable with retries left: pending again at greatest(p_retry_after, p_now + 30 s x 2^retry_count capped at 1 h), retry_count + 1. Otherwise failed for good: the job counts it (and may end); dependants are no longer blocked by it. Either way p_api_calls (the Graph calls the attempt cost) is added to the chunk and its job. Negative calls -> 22023. Returns the chunk''s new status.';
