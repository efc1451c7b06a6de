-- A worker stopping cleanly (SIGTERM) hands back what it has not finished.

create function meta_sync.release_sync_chunks(
  p_worker    text,
  p_chunk_ids bigint[],
  p_now       timestamptz default now()
)
returns integer
language sql
security invoker
set search_path = ''
as $$
  with released as (
    update meta_sync.sync_job_chunks as c
    set status = 'pending',
        locked_by = null, locked_until = null, lease_token = null,
        run_after = p_now
    where c.id = any (p_chunk_ids)
      and c.status = 'in_progress'
      and c.locked_by = p_worker
    returning c.id
  )
  select count(*)::integer from released;
$$;
comment on function meta_sync.release_sync_chunks(text, bigint[], timestamptz) is
  'Hands back chunks p_worker holds (clean shutdown): pending again, claimable at once, no retry counted. Returns how many were released.';
