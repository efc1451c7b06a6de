-- The lease check shared by complete, fail and split: lock the chunk row and insist that the
-- caller still holds its lease (current token, not expired).

create function meta_sync.lock_leased_chunk(
  p_chunk_id    bigint,
  p_lease_token uuid,
  p_now         timestamptz default now()
)
returns meta_sync.sync_job_chunks
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk meta_sync.sync_job_chunks;
begin
  -- Row lock first: a concurrent requeue/cancel/complete of the same chunk waits for us (or we
  -- for it) and then sees the final state, so exactly one of them wins.
  select c.* into v_chunk
  from meta_sync.sync_job_chunks as c
  where c.id = p_chunk_id
  for update;

  if not found then
    raise exception 'no such chunk: %', p_chunk_id using errcode = 'P0002';
  end if;

  if v_chunk.status is distinct from 'in_progress'
     or v_chunk.lease_token is distinct from p_lease_token then
    raise exception 'lease lost on chunk %: it is % and the lease token is not current',
      p_chunk_id, v_chunk.status
      using errcode = '55000',
            hint = 'Another worker owns the chunk now, or it was cancelled: drop this work.';
  end if;

  if v_chunk.locked_until <= p_now then
    raise exception 'lease expired on chunk % at %', p_chunk_id, v_chunk.locked_until
      using errcode = '55000',
            hint = 'Heartbeat more often than the lease length; the chunk will be requeued.';
  end if;

  return v_chunk;
end;
$$;
comment on function meta_sync.lock_leased_chunk(bigint, uuid, timestamptz) is
  'Internal: locks a chunk FOR UPDATE and returns it when p_lease_token is its current, unexpired lease; else 55000 ("lease ...") or P0002 (no such chunk).';
