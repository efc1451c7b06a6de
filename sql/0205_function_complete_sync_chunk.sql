-- A chunk's work is done. Called in the same transaction that wrote the chunk's rows, so the
-- rows and the completion commit together (or neither does).

create function meta_sync.complete_sync_chunk(
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
    perform meta_sync.record_structure_listing(v_chunk.account_id, v_chunk.started_at);
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
