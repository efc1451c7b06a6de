-- Job progress for admins and dashboards.

create view meta_sync.sync_job_progress
with (security_invoker = true)
as
select
  j.id as job_id,
  j.account_id,
  a.name as account_name,
  j.organization_id,
  j.sync_phase,
  j.sync_type,
  j.status,
  j.date_since,
  j.date_until,
  j.progress_percentage,
  j.total_chunks,
  j.completed_chunks,
  j.failed_chunks,
  coalesce(c.running_chunks, 0) as running_chunks,
  coalesce(c.pending_chunks, 0) as pending_chunks,
  j.estimated_completion_at,
  case when j.estimated_completion_at is not null
       then greatest(extract(epoch from j.estimated_completion_at - now()), 0)::integer
  end as eta_seconds,
  case when j.started_at is not null
       then extract(epoch from coalesce(j.completed_at, now()) - j.started_at)::integer
  end as elapsed_seconds,
  j.insight_rows_written,
  j.api_calls,
  j.campaigns_synced,
  j.adsets_synced,
  j.ads_synced,
  j.creatives_synced,
  j.last_error,
  j.requested_by,
  j.created_at,
  j.started_at,
  j.completed_at,
  -- Why an open job makes no progress now: nothing of it runs, and its account cannot be
  -- claimed (ad_account_waiting) or its chunks wait for their retry time.
  case when j.status in ('pending', 'in_progress') and coalesce(c.running_chunks, 0) = 0
       then coalesce(w.waiting_reason,
                     case when c.next_run_after > now() then 'chunks wait to be retried' end)
  end as waiting_reason,
  case when j.status in ('pending', 'in_progress') and coalesce(c.running_chunks, 0) = 0
       then case when w.waiting_reason is not null then w.waiting_until
                 when c.next_run_after > now() then c.next_run_after end
  end as waiting_until,
  case when j.status in ('pending', 'in_progress') and coalesce(c.running_chunks, 0) = 0
       then w.waiting_hint
  end as waiting_hint
from meta_sync.sync_jobs as j
join meta_sync.meta_ad_accounts as a on a.id = j.account_id
left join meta_sync.ad_account_waiting as w on w.account_id = j.account_id::text
left join lateral (
  select count(*) filter (where ch.status = 'in_progress') as running_chunks,
         count(*) filter (where ch.status = 'pending') as pending_chunks,
         min(ch.run_after) filter (where ch.status = 'pending') as next_run_after
  from meta_sync.sync_job_chunks as ch
  where ch.job_id = j.id and j.status in ('pending', 'in_progress')
) as c on true;
comment on view meta_sync.sync_job_progress is
  'One row per job: account, organization, phase, status, percentage, chunks (total, completed, failed, running, pending), ETA, elapsed seconds, rows written, api calls, entity counts; for an open job with nothing running, waiting_reason (the account''s from ad_account_waiting, else "chunks wait to be retried"), waiting_until (NULL with a reason: until someone acts, waiting_hint says how).';
