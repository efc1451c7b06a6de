-- The admin's one view: where every account stands. No token column, ever.

create view meta_sync.meta_sync_status
with (security_invoker = true)
as
select
  o.id                                   as organization_id,
  o.name                                 as organization_name,
  a.id::text                             as account_id,
  a.name                                 as account_name,
  a.meta_sync_priority                   as tier,
  a.paused,
  a.last_meta_sync_at,
  a.next_sync_at,
  round((extract(epoch from a.next_sync_at - now()) / 60)::numeric, 1) as minutes_until_next_sync,
  (not a.paused and a.next_sync_at is not null and a.next_sync_at <= now()) as is_due,
  a.sync_error_count,
  a.last_sync_error,
  a.rate_limit_backoff_until,
  c.status                               as connection_status,
  f.fresh_through                        as insights_fresh_through,
  a.phase_1_completed_at,
  a.phase_2_completed_at,
  j.id                                   as running_job_id,
  j.sync_phase                           as running_job_phase,
  j.status                               as running_job_status,
  j.progress_percentage                  as running_job_progress_percentage,
  j.estimated_completion_at              as running_job_eta
from meta_sync.meta_ad_accounts a
join meta_sync.organizations o on o.id = a.organization_id
left join meta_sync.meta_connections c on c.id = a.connection_id
left join meta_sync.data_freshness f on f.account_id = a.id and f.dataset = 'insights'
left join lateral (
  select jj.id, jj.sync_phase, jj.status, jj.progress_percentage, jj.estimated_completion_at
  from meta_sync.sync_jobs jj
  where jj.account_id = a.id and jj.status in ('pending', 'in_progress')
  order by (jj.status = 'in_progress') desc, meta_sync.chunk_priority(jj.sync_phase, a.meta_sync_priority), jj.id
  limit 1
) j on true;
comment on view meta_sync.meta_sync_status is
  'One row per ad account: organization, tier, paused, last/next sync, minutes until next sync, due flag, errors, backoff, connection status (never the token), insights fresh_through, onboarding phases, and the running (else the next pending) job with its progress and ETA.';
