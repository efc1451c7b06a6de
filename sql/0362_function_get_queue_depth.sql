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
