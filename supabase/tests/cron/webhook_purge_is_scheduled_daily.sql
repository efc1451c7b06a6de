-- Where pg_cron runs, the migrations scheduled meta-sync-webhook-purge once a day: old processed
-- webhook events are deleted. Skipped where pg_cron is not installed.
begin;
select plan(2);

select case when to_regclass('cron.job') is null then skip('pg_cron is not installed', 2)
else collect_tap(
  is((select schedule from cron.job where jobname = 'meta-sync-webhook-purge'), '37 3 * * *',
     'meta-sync-webhook-purge runs daily at 03:37'),
  is((select command from cron.job where jobname = 'meta-sync-webhook-purge'), 'select meta_sync.purge_webhook_events()',
     'it purges processed webhook events older than 30 days')
) end;

select * from finish();
rollback;
