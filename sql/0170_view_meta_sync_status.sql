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
  j.estimated_completion_at              as running_job_eta,
  -- Same rule as enqueue_due_syncs (a): a failed phase 1 waits for the error backoff.
  case when a.phase_1_completed_at is null and a.sync_error_count > 0
            and a.last_sync_attempt_at is not null
            and not exists (select 1 from meta_sync.sync_jobs pj
                            where pj.account_id = a.id and pj.sync_phase = 'recent_window'
                              and pj.status in ('pending', 'in_progress', 'completed', 'completed_with_errors'))
       then a.last_sync_attempt_at + pg_catalog.make_interval(mins => least(
              cfg.interval_minutes, (5 * power(2, least(a.sync_error_count, 20) - 1))::integer))
  end                                    as onboarding_retry_at,
  (select s.paused from meta_sync.schedule_state s where s.singleton) as schedule_paused,
  -- Why the account's work waits (the rule of ad_account_waiting, inlined: no second scan of
  -- the accounts, so a page of this view joined to a keyset reaches its rows by index).
  meta_sync_private.waiting_reason(
    a.paused, a.connection_id, c.status, greatest(a.rate_limit_backoff_until, s.blocked_until),
    (select max(r.blocked_until) from meta_sync.meta_rate_limit_state r
     where r.scope_type = 'app' and r.blocked_until > now())) as waiting_reason,
  meta_sync_private.waiting_until(
    a.paused, a.connection_id, c.status, greatest(a.rate_limit_backoff_until, s.blocked_until),
    (select max(r.blocked_until) from meta_sync.meta_rate_limit_state r
     where r.scope_type = 'app' and r.blocked_until > now())) as waiting_until,
  meta_sync_private.waiting_hint(a.id, o.name, a.paused, a.connection_id, c.status) as waiting_hint,
  c.expires_at                           as connection_expires_at,
  c.data_access_expires_at               as connection_data_access_expires_at
from meta_sync.meta_ad_accounts a
join meta_sync.organizations o on o.id = a.organization_id
left join meta_sync.meta_sync_config cfg on cfg.tier = a.meta_sync_priority
left join meta_sync.meta_connections c on c.id = a.connection_id
left join (
  select r.scope_id, max(r.blocked_until) as blocked_until from meta_sync.meta_rate_limit_state r
  where r.scope_type = 'ad_account' and r.blocked_until > now()
  group by r.scope_id
) s on s.scope_id = a.id::text
left join meta_sync.data_freshness f on f.account_id = a.id and f.dataset = 'insights'
left join lateral (
  select jj.id, jj.sync_phase, jj.status, jj.progress_percentage, jj.estimated_completion_at
  from meta_sync.sync_jobs jj
  where jj.account_id = a.id and jj.status in ('pending', 'in_progress')
  order by (jj.status = 'in_progress') desc, meta_sync.chunk_priority(jj.sync_phase, a.meta_sync_priority), jj.id
  limit 1
) j on true;
comment on view meta_sync.meta_sync_status is
  'One row per ad account: organization, tier, paused, last/next sync, minutes until next sync, due flag, errors, backoff, connection status (never the token), insights fresh_through, onboarding phases, the running (else the next pending) job with its progress and ETA, and onboarding_retry_at: when a failed onboarding phase 1 is enqueued again (NULL unless it failed and is not open); schedule_paused (pause_schedule), and why the account''s work waits (waiting_reason, waiting_until, waiting_hint: the rule of ad_account_waiting), and the connection''s token expiry and data-access expiry (connection_expires_at, connection_data_access_expires_at; NULL: never).';
