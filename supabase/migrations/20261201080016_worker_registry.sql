-- Worker registry (register, beat, stop, list) and the queue depth, for /healthz and /metrics.

-- sql/0357_table_sync_workers.sql
-- The workers that run (or ran) the queue: each registers at start, beats while it lives and
-- signs off when it stops. /healthz and /metrics of `metasync serve` read it.

create table meta_sync.sync_workers (
  worker_id          text primary key
                     constraint sync_worker_id_not_blank check (btrim(worker_id) <> ''),
  host               text not null,
  pid                integer not null constraint sync_worker_pid_positive check (pid > 0),
  concurrency        integer not null constraint sync_worker_concurrency_positive check (concurrency > 0),
  version            text,
  started_at         timestamptz not null,
  last_heartbeat_at  timestamptz not null,
  chunks_running     integer not null default 0
                     constraint sync_worker_chunks_running_non_negative check (chunks_running >= 0),
  counters           jsonb not null default '{}'
                     constraint sync_worker_counters_object check (jsonb_typeof(counters) = 'object'),
  stopped_at         timestamptz
);
create index sync_workers_last_heartbeat_idx on meta_sync.sync_workers (last_heartbeat_at desc);

comment on table meta_sync.sync_workers is
  'One row per worker process (metasync run): id (host:pid:random), host, pid, concurrency, version, when it started, its last heartbeat, the chunks it runs and its counters since start; stopped_at once it signed off. Rows silent for 7 days are removed when a worker registers.';
comment on column meta_sync.sync_workers.counters is
  'The worker''s counters since it started, reported with each heartbeat: {"graph_calls": {"<kind>|<error code>": n}, "chunks": {"<outcome>": n}, "rows_written": n}.';
comment on column meta_sync.sync_workers.stopped_at is
  'When the worker signed off (a clean stop); NULL while it runs or after it died.';

-- Workers register, beat and sign off; members and anon see nothing of them.
grant select, insert, update, delete on meta_sync.sync_workers to meta_sync_worker;


-- sql/0358_function_register_sync_worker.sql
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


-- sql/0359_function_beat_sync_worker.sql
-- A living worker's heartbeat: when, how many chunks it runs, its counters.

create function meta_sync.beat_sync_worker(
  p_worker         text,
  p_chunks_running integer default 0,
  p_counters       jsonb default null,
  p_now            timestamptz default now()
)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_chunks_running is null or p_chunks_running < 0 then
    raise exception 'p_chunks_running must not be negative, got %',
      coalesce(p_chunks_running::text, 'null')
      using errcode = '22023';
  end if;
  if p_counters is not null and pg_catalog.jsonb_typeof(p_counters) <> 'object' then
    raise exception 'p_counters must be a JSON object' using errcode = '22023';
  end if;
  update meta_sync.sync_workers w
  set last_heartbeat_at = greatest(w.last_heartbeat_at, p_now),
      chunks_running = p_chunks_running,
      counters = coalesce(p_counters, w.counters),
      stopped_at = null
  where w.worker_id = p_worker;
  return found;
end;
$$;
comment on function meta_sync.beat_sync_worker(text, integer, jsonb, timestamptz) is
  'Records a heartbeat of a registered worker at p_now (never moving it backwards) with the chunks it runs and (when given) its counters. Returns false when the worker is not registered (it registers again). Negative count or counters not an object -> 22023.';


-- sql/0360_function_stop_sync_worker.sql
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


-- sql/0361_function_list_sync_workers.sql
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


-- sql/0362_function_get_queue_depth.sql
-- The queue's depth for /metrics: unfinished chunks by phase and state.

create function meta_sync.get_queue_depth(p_now timestamptz default now())
returns table (sync_phase meta_sync.sync_phase, state text, chunks bigint)
language sql
stable
security invoker
set search_path = ''
as $$
  select j.sync_phase,
         case when c.status = 'in_progress' then 'in_progress'
              when c.run_after > p_now then 'waiting'
              else 'ready' end,
         count(*)
  from meta_sync.sync_job_chunks c
  join meta_sync.sync_jobs j on j.id = c.job_id
  where c.status in ('pending', 'in_progress')
  group by 1, 2
  order by 1, 2
$$;
comment on function meta_sync.get_queue_depth(timestamptz) is
  'Unfinished chunks by job phase and state at p_now: ready (pending, run_after passed), waiting (pending, run_after later: a retry delay) and in_progress.';

select meta_sync.secure_schema();
