-- Graph calls spent on a chunk that fails or is handed back were lost from its job's api_calls
-- (sync_job_progress, sync_analytics' calls per 1 000 rows). fail_sync_chunk and
-- release_sync_chunks take p_api_calls (last, so positional callers keep working) and add it to
-- the chunk and its job; complete_sync_chunk now adds to the chunk's count instead of replacing
-- it, so a chunk holds the calls of all its attempts. Replaces sql/0205, 0206 and 0208.

drop function meta_sync.fail_sync_chunk(bigint, uuid, text, boolean, timestamptz, timestamptz);

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

drop function meta_sync.release_sync_chunks(text, bigint[], timestamptz);

create function meta_sync.release_sync_chunks(
  p_worker    text,
  p_chunk_ids bigint[],
  p_now       timestamptz default now(),
  p_api_calls integer default 0
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_calls    integer := coalesce(p_api_calls, 0);
  v_released integer;
  v_job_id   bigint;
begin
  if v_calls < 0 then
    raise exception 'api calls must not be negative, got %', v_calls using errcode = '22023';
  end if;
  if v_calls > 0 and coalesce(pg_catalog.cardinality(p_chunk_ids), 0) <> 1 then
    raise exception 'api calls can only be counted when releasing exactly one chunk, got % chunk ids',
      coalesce(pg_catalog.cardinality(p_chunk_ids), 0)
      using errcode = '22023';
  end if;

  with released as (
    update meta_sync.sync_job_chunks as c
    set status = 'pending',
        locked_by = null, locked_until = null, lease_token = null,
        run_after = p_now,
        api_calls = c.api_calls + v_calls
    where c.id = any (p_chunk_ids)
      and c.status = 'in_progress'
      and c.locked_by = p_worker
    returning c.job_id
  )
  select count(*)::integer, min(r.job_id) into v_released, v_job_id from released as r;

  -- Calls of a chunk this worker no longer holds are not counted (it did not release it).
  if v_calls > 0 and v_released = 1 then
    perform meta_sync.apply_chunk_outcome(v_job_id, p_api_calls => v_calls, p_now => p_now);
  end if;
  return v_released;
end;
$$;
comment on function meta_sync.release_sync_chunks(text, bigint[], timestamptz, integer) is
  'Hands back chunks p_worker holds (clean shutdown, throttle, dead token): pending again, claimable at once, no retry counted. p_api_calls (the Graph calls spent on the one released chunk) is added to the chunk and its job; with calls > 0 exactly one chunk id is required (22023), negative calls -> 22023. Returns how many were released.';

create or replace function meta_sync.complete_sync_chunk(
  p_chunk_id      bigint,
  p_lease_token   uuid,
  p_rows_written  bigint default 0,
  p_api_calls     integer default 0,
  p_entity_counts jsonb default '{}',
  p_fresh_through date default null,
  p_now           timestamptz default now()
)
returns meta_sync.job_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk meta_sync.sync_job_chunks;
  v_tz    text;
begin
  if coalesce(p_rows_written, 0) < 0 or coalesce(p_api_calls, 0) < 0 then
    raise exception 'rows written and api calls must not be negative' using errcode = '22023';
  end if;

  -- 1. The caller must still hold the lease (locks the chunk row).
  v_chunk := meta_sync.lock_leased_chunk(p_chunk_id, p_lease_token, p_now);

  -- 2. The chunk is done; its lease ends. Its calls add to those of earlier failed attempts.
  update meta_sync.sync_job_chunks as c
  set status = 'completed',
      locked_by = null, locked_until = null, lease_token = null,
      rows_written = coalesce(p_rows_written, 0),
      api_calls = c.api_calls + coalesce(p_api_calls, 0),
      completed_at = p_now,
      actual_duration_seconds = greatest(extract(epoch from p_now - c.started_at), 0),
      last_error = null
  where c.id = p_chunk_id;

  -- 3. Structure read: the structure is fresh as of when the read started (the next incremental
  --    structure chunk reads updated_since from it).
  if v_chunk.chunk_type = 'structure' then
    select a.timezone_name into v_tz from meta_sync.meta_ad_accounts as a where a.id = v_chunk.account_id;
    insert into meta_sync.data_freshness as f (account_id, dataset, fresh_through, synced_at)
    values (v_chunk.account_id, 'structure', meta_sync.account_today(v_tz, v_chunk.started_at),
            v_chunk.started_at)
    on conflict (account_id, dataset) do update
      set fresh_through = greatest(f.fresh_through, excluded.fresh_through),
          synced_at = greatest(f.synced_at, excluded.synced_at);
  end if;

  -- 4. The job: counts, progress, ETA, and its end when this was the last chunk.
  return meta_sync.apply_chunk_outcome(
    v_chunk.job_id,
    p_completed     => 1,
    p_rows_written  => case when v_chunk.chunk_type = 'insights' then coalesce(p_rows_written, 0) else 0 end,
    p_api_calls     => coalesce(p_api_calls, 0),
    p_entity_counts => coalesce(p_entity_counts, '{}'),
    p_fresh_through => p_fresh_through,
    p_now           => p_now);
end;
$$;
comment on function meta_sync.complete_sync_chunk(bigint, uuid, bigint, integer, jsonb, date, timestamptz) is
  'Marks a leased chunk completed (rows, api calls added to those of earlier attempts, duration) and adds it to its job (counts, progress, ETA); the last chunk ends the job and informs the scheduler. Requires the current, unexpired lease token, else 55000 "lease ..." and nothing changes. Call it in the transaction that wrote the chunk''s rows. Returns the job status.';

select meta_sync.secure_schema();
