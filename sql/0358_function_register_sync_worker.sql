-- A worker process starts: it registers (or registers again after a restart with the same id).

create function meta_sync.register_sync_worker(
  p_worker      text,
  p_host        text,
  p_pid         integer,
  p_concurrency integer,
  p_version     text default null,
  p_now         timestamptz default now()
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_worker is null or btrim(p_worker) = '' or p_host is null or btrim(p_host) = '' then
    raise exception 'worker id and host must not be blank' using errcode = '22023';
  end if;
  if p_pid is null or p_pid <= 0 or p_concurrency is null or p_concurrency <= 0 then
    raise exception 'pid and concurrency must be positive, got % and %',
      coalesce(p_pid::text, 'null'), coalesce(p_concurrency::text, 'null')
      using errcode = '22023';
  end if;
  delete from meta_sync.sync_workers w where w.last_heartbeat_at < p_now - interval '7 days';
  insert into meta_sync.sync_workers as w
    (worker_id, host, pid, concurrency, version, started_at, last_heartbeat_at)
  values (p_worker, p_host, p_pid, p_concurrency, p_version, p_now, p_now)
  on conflict (worker_id) do update set
    host = excluded.host, pid = excluded.pid, concurrency = excluded.concurrency,
    version = excluded.version, started_at = excluded.started_at,
    last_heartbeat_at = excluded.last_heartbeat_at, chunks_running = 0, counters = '{}',
    stopped_at = null;
end;
$$;
comment on function meta_sync.register_sync_worker(text, text, integer, integer, text, timestamptz) is
  'Registers a starting worker (id, host, pid, concurrency, version) as started and beating at p_now; the same id again starts it afresh. Removes workers silent for 7 days. Blank id or host, pid or concurrency not positive -> 22023.';

select meta_sync.secure_schema();
