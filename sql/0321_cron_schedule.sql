-- pg_cron (where it runs): enqueue due syncs every 15 minutes, nudge the workers a minute
-- later, and keep pg_cron's run log to 7 days. pg_cron can only be created in the database
-- named by cron.database_name (Supabase: postgres), so everywhere else this is a no-op.
--
-- Job names: meta-sync-enqueue, meta-sync-nudge-workers, meta-sync-cron-cleanup.
-- Pausing the schedule (one statement; `active := true` resumes it):
--   select cron.alter_job(jobid, active := false) from cron.job where jobname like 'meta-sync-%';

create function meta_sync.schedule_cron_jobs()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if pg_catalog.current_database() is distinct from pg_catalog.current_setting('cron.database_name', true) then
    return false;
  end if;
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
      return false;
    end if;
    create extension if not exists pg_cron with schema pg_catalog;
  end if;
  -- Scheduling a name again replaces the job: re-running this is harmless.
  execute $s$select cron.schedule('meta-sync-enqueue', '*/15 * * * *',
                                  $c$select meta_sync.enqueue_due_syncs()$c$)$s$;
  execute $s$select cron.schedule('meta-sync-nudge-workers', '1-59/15 * * * *',
                                  $c$select meta_sync.nudge_workers()$c$)$s$;
  execute $s$select cron.schedule('meta-sync-cron-cleanup', '17 3 * * *',
                                  $c$delete from cron.job_run_details where end_time < now() - interval '7 days'$c$)$s$;
  execute $s$select cron.schedule('meta-sync-webhook-purge', '37 3 * * *',
                                  $c$select meta_sync.purge_webhook_events()$c$)$s$;
  return true;
end;
$$;
comment on function meta_sync.schedule_cron_jobs() is
  'Creates pg_cron (if needed) and schedules meta-sync-enqueue (*/15 * * * *: enqueue_due_syncs), meta-sync-nudge-workers (a minute later: nudge_workers) and meta-sync-cron-cleanup (nightly: run log older than 7 days) and meta-sync-webhook-purge (37 3 * * *: purge_webhook_events, processed events older than 30 days), only in pg_cron''s database. Returns whether it scheduled. Idempotent.';

select meta_sync.schedule_cron_jobs();
