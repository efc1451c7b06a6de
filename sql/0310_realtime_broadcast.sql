-- Realtime: each progress change of a job is broadcast on the private topic
-- org:<organization_id>:sync (event "progress") with realtime.send, when Supabase Realtime is
-- installed. On plain Postgres the trigger does nothing (pg_notify is the queue's own trigger).
-- One message per state change: the trigger is deferred to the end of the transaction and
-- sends the job as it is then, once per state (a new job, inserted and then given its chunks
-- in one transaction, sends one message, not two).

create function meta_sync.broadcast_sync_job_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job   meta_sync.sync_jobs;
  v_state text;
  v_sent  jsonb;
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
  -- Deferred: the job as the transaction leaves it, sent once per state.
  select j.* into v_job from meta_sync.sync_jobs j where j.id = new.id;
  if not found then
    return null;
  end if;
  v_state := pg_catalog.md5(row(
    v_job.status, v_job.progress_percentage, v_job.total_chunks, v_job.completed_chunks,
    v_job.failed_chunks, v_job.campaigns_synced, v_job.adsets_synced, v_job.ads_synced,
    v_job.creatives_synced, v_job.insight_rows_written, v_job.estimated_completion_at)::text);
  -- What this transaction already sent, job id -> state (one setting, reset at its end).
  v_sent := coalesce(nullif(pg_catalog.current_setting('meta_sync.broadcast_sent', true), ''),
                     '{}')::jsonb;
  if v_sent ->> v_job.id::text is not distinct from v_state then
    return null;
  end if;
  perform pg_catalog.set_config('meta_sync.broadcast_sent',
    (v_sent || pg_catalog.jsonb_build_object(v_job.id::text, v_state))::text, true);
  execute 'select realtime.send($1, $2, $3, $4)'
    using pg_catalog.jsonb_build_object(
            'job_id', v_job.id,
            'organization_id', v_job.organization_id,
            'account_id', v_job.account_id,
            'sync_phase', v_job.sync_phase,
            'sync_type', v_job.sync_type,
            'status', v_job.status,
            'progress_percentage', v_job.progress_percentage,
            'estimated_completion_at', v_job.estimated_completion_at,
            'total_chunks', v_job.total_chunks,
            'completed_chunks', v_job.completed_chunks,
            'failed_chunks', v_job.failed_chunks,
            'campaigns_synced', v_job.campaigns_synced,
            'adsets_synced', v_job.adsets_synced,
            'ads_synced', v_job.ads_synced,
            'creatives_synced', v_job.creatives_synced,
            'insight_rows_written', v_job.insight_rows_written,
            'date_since', v_job.date_since,
            'date_until', v_job.date_until,
            'updated_at', v_job.updated_at),
          'progress',
          'org:' || v_job.organization_id::text || ':sync',
          true;
  return null;
end;
$$;
comment on function meta_sync.broadcast_sync_job_progress() is
  'Deferred trigger on sync_jobs: at the end of the transaction, sends the job''s progress as it then is (id, account, phase, status, percentage, ETA, counts) with realtime.send to the private topic org:<organization_id>:sync, event progress, once per state (the transaction-local setting meta_sync.broadcast_sent remembers what was sent). No-op where realtime.send does not exist. Security definer: the worker has no rights on the realtime schema.';

create constraint trigger sync_jobs_realtime_broadcast
  after insert or update on meta_sync.sync_jobs
  deferrable initially deferred
  for each row execute function meta_sync.broadcast_sync_job_progress();
comment on trigger sync_jobs_realtime_broadcast on meta_sync.sync_jobs is
  'One Realtime broadcast per job state, at the end of the transaction (meta_sync.broadcast_sync_job_progress).';
