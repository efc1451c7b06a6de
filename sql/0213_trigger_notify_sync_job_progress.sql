-- Progress events: every real change of a job's status, progress, counts or ETA is published.

create function meta_sync.notify_sync_job_progress()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify('meta_sync_progress', pg_catalog.json_build_object(
    'job_id', new.id,
    'account_id', new.account_id,
    'organization_id', new.organization_id,
    'sync_phase', new.sync_phase,
    'status', new.status,
    'progress_percentage', new.progress_percentage,
    'completed_chunks', new.completed_chunks,
    'failed_chunks', new.failed_chunks,
    'total_chunks', new.total_chunks,
    'insight_rows_written', new.insight_rows_written,
    'api_calls', new.api_calls,
    'estimated_completion_at', new.estimated_completion_at)::text);
  return null;
end;
$$;
comment on function meta_sync.notify_sync_job_progress() is
  'Trigger: pg_notify(''meta_sync_progress'', json) with job_id, account_id, organization_id, sync_phase, status, progress_percentage, completed/failed/total chunks, insight_rows_written, api_calls, estimated_completion_at.';

create trigger sync_jobs_notify_progress_insert
  after insert on meta_sync.sync_jobs
  for each row execute function meta_sync.notify_sync_job_progress();

-- No event for no-op updates: only when something a watcher shows changed.
create trigger sync_jobs_notify_progress_update
  after update on meta_sync.sync_jobs
  for each row
  when ((old.status, old.progress_percentage, old.completed_chunks, old.failed_chunks,
         old.total_chunks, old.insight_rows_written, old.api_calls, old.estimated_completion_at,
         old.campaigns_synced, old.adsets_synced, old.ads_synced, old.creatives_synced)
        is distinct from
        (new.status, new.progress_percentage, new.completed_chunks, new.failed_chunks,
         new.total_chunks, new.insight_rows_written, new.api_calls, new.estimated_completion_at,
         new.campaigns_synced, new.adsets_synced, new.ads_synced, new.creatives_synced))
  execute function meta_sync.notify_sync_job_progress();
comment on trigger sync_jobs_notify_progress_insert on meta_sync.sync_jobs is
  'A new job is announced on channel meta_sync_progress.';
comment on trigger sync_jobs_notify_progress_update on meta_sync.sync_jobs is
  'A change of status, progress, counts or ETA is announced on channel meta_sync_progress (no-op updates are not).';
