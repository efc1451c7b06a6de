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

select meta_sync.secure_schema();
