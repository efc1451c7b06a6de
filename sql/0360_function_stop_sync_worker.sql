-- A worker signs off on a clean stop.

create function meta_sync.stop_sync_worker(
  p_worker text,
  p_now    timestamptz default now()
)
returns boolean
language sql
security invoker
set search_path = ''
as $$
  update meta_sync.sync_workers w
  set stopped_at = p_now, chunks_running = 0, last_heartbeat_at = greatest(w.last_heartbeat_at, p_now)
  where w.worker_id = p_worker
  returning true
$$;
comment on function meta_sync.stop_sync_worker(text, timestamptz) is
  'Marks a worker stopped at p_now (a clean stop: it runs no chunk any more). Returns true, or NULL for an unknown worker.';

select meta_sync.secure_schema();
