-- Where pg_cron runs (this database is cron.database_name in the test cluster), the migration
-- scheduled meta-sync-enqueue every 15 minutes, the worker nudge and the log cleanup.
-- Skipped where pg_cron is not installed.
begin;
select plan(4);

select case when to_regclass('cron.job') is null then skip('pg_cron is not installed', 4)
else collect_tap(
  is((select schedule from cron.job where jobname = 'meta-sync-enqueue'), '*/15 * * * *',
     'meta-sync-enqueue runs every 15 minutes'),
  is((select command from cron.job where jobname = 'meta-sync-enqueue'), 'select meta_sync.enqueue_due_syncs()',
     'it enqueues the due syncs'),
  is((select command from cron.job where jobname = 'meta-sync-nudge-workers'), 'select meta_sync.nudge_workers()',
     'the workers are nudged'),
  ok((select command like 'delete from cron.job_run_details where end_time < now() - interval ''7 days''%'
      from cron.job where jobname = 'meta-sync-cron-cleanup'), 'the run log is kept to 7 days')
) end;

select * from finish();
rollback;
