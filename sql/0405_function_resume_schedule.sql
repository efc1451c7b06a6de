-- Resume the schedule: due accounts are enqueued again at the next tick.

create function meta_sync.resume_schedule(
  p_now timestamptz default now()
)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_was boolean;
begin
  select s.paused into v_was from meta_sync.schedule_state s where s.singleton for update;
  if not found then
    raise exception 'meta_sync.schedule_state has no row: run the migrations' using errcode = '55000';
  end if;
  update meta_sync.schedule_state s
  set paused = false, paused_at = null, paused_by = null, reason = null, updated_at = p_now
  where s.singleton;
  return v_was;
end;
$$;
comment on function meta_sync.resume_schedule(timestamptz) is
  'Resumes the schedule paused by pause_schedule; returns whether it was paused (false: nothing changed but updated_at). What fell due meanwhile is enqueued by the next enqueue_due_syncs.';

select meta_sync.secure_schema();
