-- Pause the whole schedule: no new scheduled job until resume_schedule.

create function meta_sync.pause_schedule(
  p_by     text default null,
  p_reason text default null,
  p_now    timestamptz default now()
)
returns timestamptz
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_since timestamptz;
begin
  update meta_sync.schedule_state s
  set paused = true, paused_at = coalesce(s.paused_at, p_now),
      paused_by = coalesce(p_by, s.paused_by, pg_catalog.current_user()::text),
      reason = coalesce(p_reason, s.reason), updated_at = p_now
  where s.singleton
  returning s.paused_at into v_since;
  if v_since is null then
    raise exception 'meta_sync.schedule_state has no row: run the migrations' using errcode = '55000';
  end if;
  return v_since;
end;
$$;
comment on function meta_sync.pause_schedule(text, text, timestamptz) is
  'Pauses the schedule: enqueue_due_syncs creates no job (onboarding, incremental, settle) until resume_schedule. Manual syncs, webhook resyncs and jobs already queued still run. Idempotent: pausing a paused schedule keeps its first paused_at. Returns paused_at.';

select meta_sync.secure_schema();
