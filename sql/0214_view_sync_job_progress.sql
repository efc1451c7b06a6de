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
  -- claimed (the rule of ad_account_waiting, inlined: w) or its chunks wait for their retry time.
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
left join meta_sync.organizations as o on o.id = a.organization_id
left join meta_sync.meta_connections as cn on cn.id = a.connection_id
left join (
  select r.scope_id, max(r.blocked_until) as blocked_until from meta_sync.meta_rate_limit_state as r
  where r.scope_type = 'ad_account' and r.blocked_until > now()
  group by r.scope_id
) as s on s.scope_id = j.account_id::text
cross join lateral (
  select
    meta_sync_private.waiting_reason(
      a.paused, a.connection_id, cn.status, greatest(a.rate_limit_backoff_until, s.blocked_until),
      (select max(r.blocked_until) from meta_sync.meta_rate_limit_state as r
       where r.scope_type = 'app' and r.blocked_until > now())) as waiting_reason,
    meta_sync_private.waiting_until(
      a.paused, a.connection_id, cn.status, greatest(a.rate_limit_backoff_until, s.blocked_until),
      (select max(r.blocked_until) from meta_sync.meta_rate_limit_state as r
       where r.scope_type = 'app' and r.blocked_until > now())) as waiting_until,
    meta_sync_private.waiting_hint(a.id, o.name, a.paused, a.connection_id, cn.status)
      as waiting_hint
) as w
left join lateral (
  select count(*) filter (where ch.status = 'in_progress') as running_chunks,
         count(*) filter (where ch.status = 'pending') as pending_chunks,
         min(ch.run_after) filter (where ch.status = 'pending') as next_run_after
  from meta_sync.sync_job_chunks as ch
  where ch.job_id = j.id and j.status in ('pending', 'in_progress')
) as c on true;
comment on view meta_sync.sync_job_progress is
  'One row per job: account, organization, phase, status, percentage, chunks (total, completed, failed, running, pending), ETA, elapsed seconds, rows written, api calls, entity counts; for an open job with nothing running, waiting_reason (the account''s, the rule of ad_account_waiting, else "chunks wait to be retried"), waiting_until (NULL with a reason: until someone acts, waiting_hint says how).';
