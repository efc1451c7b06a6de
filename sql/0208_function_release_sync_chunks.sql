-- A worker stopping cleanly (SIGTERM) hands back what it has not finished.

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
