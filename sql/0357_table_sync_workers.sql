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

select meta_sync.secure_schema();
