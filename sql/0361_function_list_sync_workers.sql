-- The workers as /healthz and /metrics see them.

create function meta_sync.list_sync_workers(p_now timestamptz default now())
returns table (worker_id text, host text, pid integer, concurrency integer, version text,
               started_at timestamptz, last_heartbeat_at timestamptz,
               seconds_since_heartbeat numeric, chunks_running integer, chunks_leased bigint,
               counters jsonb, stopped_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
  select w.worker_id, w.host, w.pid, w.concurrency, w.version, w.started_at,
         w.last_heartbeat_at,
         round(greatest(extract(epoch from p_now - w.last_heartbeat_at), 0), 3),
         w.chunks_running,
         (select count(*) from meta_sync.sync_job_chunks c
          where c.status = 'in_progress' and c.locked_by = w.worker_id and c.locked_until > p_now),
         w.counters, w.stopped_at
  from meta_sync.sync_workers w
  order by w.last_heartbeat_at desc, w.worker_id
$$;
comment on function meta_sync.list_sync_workers(timestamptz) is
  'Every registered worker, latest heartbeat first: id, host, pid, concurrency, version, started, last heartbeat and seconds since it at p_now, chunks it reported running, chunks it holds a live lease on now, its counters, when it stopped (NULL: running, or died).';

select meta_sync.secure_schema();
