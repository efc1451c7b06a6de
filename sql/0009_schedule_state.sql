-- The one switch of the whole schedule: while paused, enqueue_due_syncs creates nothing (for
-- pg_cron's /tick and idle workers alike). Manual syncs and jobs already queued still run.

create table meta_sync.schedule_state (
  singleton  boolean primary key default true constraint schedule_state_one_row check (singleton),
  paused     boolean not null default false,
  paused_at  timestamptz,
  paused_by  text,
  reason     text,
  updated_at timestamptz not null default now(),
  constraint schedule_state_paused_consistent check (paused = (paused_at is not null))
);
insert into meta_sync.schedule_state (singleton) values (true);
comment on table meta_sync.schedule_state is
  'One row: whether the schedule is paused (pause_schedule / resume_schedule), since when, by whom and why. enqueue_due_syncs returns nothing while paused.';
