-- A worker still busy with its chunks extends their leases.

create function meta_sync.heartbeat_sync_chunks(
  p_worker        text,
  p_chunk_ids     bigint[],
  p_lease_seconds integer default 120,
  p_now           timestamptz default now()
)
returns setof bigint
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
    raise exception 'lease must be between 1 and 86400 seconds, got %', p_lease_seconds
      using errcode = '22023';
  end if;

  -- Only live leases of this worker: an expired or taken-over lease is lost for good.
  return query
  update meta_sync.sync_job_chunks as c
  set locked_until = p_now + make_interval(secs => p_lease_seconds)
  where c.id = any (p_chunk_ids)
    and c.status = 'in_progress'
    and c.locked_by = p_worker
    and c.locked_until > p_now
  returning c.id;
end;
$$;
comment on function meta_sync.heartbeat_sync_chunks(text, bigint[], integer, timestamptz) is
  'Extends to p_now + p_lease_seconds the unexpired leases p_worker holds on p_chunk_ids; returns the ids extended. An id missing from the result is a lost lease: stop that work.';
