-- Realtime: each progress change of a job is broadcast on the private topic
-- org:<organization_id>:sync (event "progress") with realtime.send, when Supabase Realtime is
-- installed. On plain Postgres the trigger does nothing (pg_notify is the queue's own trigger).

create function meta_sync.broadcast_sync_job_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Only a change that a progress bar shows is worth a message.
  if tg_op = 'UPDATE' and (
       old.status, old.progress_percentage, old.total_chunks, old.completed_chunks,
       old.failed_chunks, old.campaigns_synced, old.adsets_synced, old.ads_synced,
       old.creatives_synced, old.insight_rows_written, old.estimated_completion_at)
     is not distinct from (
       new.status, new.progress_percentage, new.total_chunks, new.completed_chunks,
       new.failed_chunks, new.campaigns_synced, new.adsets_synced, new.ads_synced,
       new.creatives_synced, new.insight_rows_written, new.estimated_completion_at) then
    return null;
  end if;
  -- Checked at run time: Realtime may be installed after this migration, or never.
  if pg_catalog.to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null then
    return null;
  end if;
  execute 'select realtime.send($1, $2, $3, $4)'
    using pg_catalog.jsonb_build_object(
            'job_id', new.id,
            'organization_id', new.organization_id,
            'account_id', new.account_id,
            'sync_phase', new.sync_phase,
            'sync_type', new.sync_type,
            'status', new.status,
            'progress_percentage', new.progress_percentage,
            'estimated_completion_at', new.estimated_completion_at,
            'total_chunks', new.total_chunks,
            'completed_chunks', new.completed_chunks,
            'failed_chunks', new.failed_chunks,
            'campaigns_synced', new.campaigns_synced,
            'adsets_synced', new.adsets_synced,
            'ads_synced', new.ads_synced,
            'creatives_synced', new.creatives_synced,
            'insight_rows_written', new.insight_rows_written,
            'date_since', new.date_since,
            'date_until', new.date_until,
            'updated_at', new.updated_at),
          'progress',
          'org:' || new.organization_id::text || ':sync',
          true;
  return null;
end;
$$;
comment on function meta_sync.broadcast_sync_job_progress() is
  'Trigger on sync_jobs: sends the job''s progress (id, account, phase, status, percentage, ETA, counts) with realtime.send to the private topic org:<organization_id>:sync, event progress. No-op where realtime.send does not exist. Security definer: the worker has no rights on the realtime schema.';

create trigger sync_jobs_realtime_broadcast
  after insert or update on meta_sync.sync_jobs
  for each row execute function meta_sync.broadcast_sync_job_progress();
