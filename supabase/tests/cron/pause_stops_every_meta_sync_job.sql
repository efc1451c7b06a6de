-- The documented pause is one statement and leaves no meta-sync job active; resuming is the
-- same statement with active := true. Skipped where pg_cron is not installed.
begin;
select plan(3);

-- Guarded dynamic SQL: this file must parse where the cron schema does not exist.
create function pg_temp.set_meta_sync_jobs_active(p_active boolean) returns void language plpgsql as $$
begin
  if to_regclass('cron.job') is not null then
    -- The documented statement (docs/supabase.md), with the flag as a parameter.
    execute 'select cron.alter_job(jobid, active := $1) from cron.job where jobname like ''meta-sync-%''' using p_active;
  end if;
end;
$$;
create function pg_temp.active_jobs() returns text[] language plpgsql as $$
declare
  v_names text[];
begin
  execute 'select coalesce(array_agg(jobname::text order by jobname), ''{}'') from cron.job where jobname like ''meta-sync-%'' and active'
    into v_names;
  return v_names;
end;
$$;

select case when to_regclass('cron.job') is null then skip('pg_cron is not installed', 3)
else is(pg_temp.active_jobs(), array['meta-sync-cron-cleanup', 'meta-sync-enqueue', 'meta-sync-nudge-workers', 'meta-sync-webhook-purge'],
        'the four meta-sync jobs are active') end;
select pg_temp.set_meta_sync_jobs_active(false);
select case when to_regclass('cron.job') is null then null
else is(pg_temp.active_jobs(), '{}'::text[], 'after the pause no meta-sync job is active') end;
select pg_temp.set_meta_sync_jobs_active(true);
select case when to_regclass('cron.job') is null then null
else ok('meta-sync-enqueue' = any (pg_temp.active_jobs()), 'resuming reactivates meta-sync-enqueue') end;

select * from finish();
rollback;
