-- A member's console page at 10 000 accounts cost 1.3 s against the operator's 32 ms: the
-- waiting rule's per-account lateral over meta_rate_limit_state carried a policy whose hashed
-- subplan (a scan of every visible account) the planner costs again for each account, so the
-- plan's estimate (1.8 million) switched on JIT compilation (1-2 s of it per query); and the
-- status view joined ad_account_waiting, a second scan of the accounts, which took its join
-- tree past join_collapse_limit, so every page computed the view for all 10 000 accounts.
--
-- Now: the waiting rule is three inlined helpers (meta_sync_private.waiting_reason,
-- waiting_until, waiting_hint) that ad_account_waiting, meta_sync_status and sync_job_progress
-- apply to their own rows; Meta's blocks are read once per statement (the accounts' grouped,
-- the app's an init plan); the chunks', freshness' and throttles' policies are an EXISTS, so
-- the planner chooses per plan between the hashed subplan and one index probe. Members see the
-- same rows as before.

create function meta_sync_private.waiting_reason(
  p_paused boolean,
  p_connection_id uuid,
  p_connection_status meta_sync.connection_status,
  p_account_throttled_until timestamptz,
  p_app_throttled_until timestamptz,
  p_now timestamptz default now())
returns text
language sql
stable
parallel safe
return case
  when p_paused then 'account paused'
  when p_connection_id is null then 'no connection'
  when p_connection_status <> 'active' then 'connection ' || p_connection_status::text
  when p_account_throttled_until > p_now then 'account throttled by Meta'
  when p_app_throttled_until is not null then 'app throttled by Meta'
end;
comment on function meta_sync_private.waiting_reason(boolean, uuid, meta_sync.connection_status, timestamptz, timestamptz, timestamptz) is
  'Why an ad account''s chunks cannot be claimed now: account paused, no connection, connection expired|revoked, account throttled by Meta (p_account_throttled_until, the later of its backoff and Meta''s block of it, is after p_now), app throttled by Meta (p_app_throttled_until: the app''s block still in force, NULL when none); NULL = nothing stops it. Inlined by the views that call it.';

create function meta_sync_private.waiting_until(
  p_paused boolean,
  p_connection_id uuid,
  p_connection_status meta_sync.connection_status,
  p_account_throttled_until timestamptz,
  p_app_throttled_until timestamptz,
  p_now timestamptz default now())
returns timestamptz
language sql
stable
parallel safe
return case
  when p_paused or p_connection_id is null or p_connection_status <> 'active' then null
  when p_account_throttled_until > p_now then p_account_throttled_until
  else p_app_throttled_until
end;
comment on function meta_sync_private.waiting_until(boolean, uuid, meta_sync.connection_status, timestamptz, timestamptz, timestamptz) is
  'Until when the reason of waiting_reason (same arguments) holds: the account''s throttle, else the app''s (p_app_throttled_until: still in force, or NULL); NULL for a pause or a connection problem (until someone acts) and when nothing waits. Inlined by the views that call it.';

create function meta_sync_private.waiting_hint(
  p_account_id text,
  p_organization_name text,
  p_paused boolean,
  p_connection_id uuid,
  p_connection_status meta_sync.connection_status)
returns text
language sql
stable
parallel safe
return case
  when p_paused then pg_catalog.format('metasync accounts resume %s', p_account_id)
  when p_connection_id is null or p_connection_status <> 'active'
    then pg_catalog.format('metasync connect --org %L --account %s', p_organization_name, p_account_id)
end;
comment on function meta_sync_private.waiting_hint(text, text, boolean, uuid, meta_sync.connection_status) is
  'The command that unblocks an account waiting for someone: metasync accounts resume (paused), metasync connect --org --account (no connection, or not active); NULL otherwise (a throttle ends by itself). Inlined by the views that call it.';

create or replace view meta_sync.ad_account_waiting
with (security_invoker = true)
as
select
  a.id::text as account_id,
  meta_sync_private.waiting_reason(
    a.paused, a.connection_id, c.status, greatest(a.rate_limit_backoff_until, s.blocked_until),
    (select max(r.blocked_until) from meta_sync.meta_rate_limit_state r
     where r.scope_type = 'app' and r.blocked_until > now())) as waiting_reason,
  meta_sync_private.waiting_until(
    a.paused, a.connection_id, c.status, greatest(a.rate_limit_backoff_until, s.blocked_until),
    (select max(r.blocked_until) from meta_sync.meta_rate_limit_state r
     where r.scope_type = 'app' and r.blocked_until > now())) as waiting_until,
  meta_sync_private.waiting_hint(a.id, o.name, a.paused, a.connection_id, c.status) as waiting_hint
from meta_sync.meta_ad_accounts a
join meta_sync.organizations o on o.id = a.organization_id
left join meta_sync.meta_connections c on c.id = a.connection_id
left join (
  select r.scope_id, max(r.blocked_until) as blocked_until from meta_sync.meta_rate_limit_state r
  where r.scope_type = 'ad_account' and r.blocked_until > now()
  group by r.scope_id
) s on s.scope_id = a.id::text;
comment on view meta_sync.ad_account_waiting is
  'Per ad account: why its chunks cannot be claimed now (waiting_reason: account paused, no connection, connection expired|revoked, account throttled by Meta, app throttled by Meta; NULL = nothing stops it), until when (waiting_until; NULL with a reason = until someone acts) and what to do (waiting_hint: the command that unblocks it).';

create or replace view meta_sync.meta_sync_status
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

create or replace view meta_sync.sync_job_progress
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

drop policy members_read_sync_job_chunks on meta_sync.sync_job_chunks;
create policy members_read_sync_job_chunks on meta_sync.sync_job_chunks
  for select to authenticated
  using (exists (select 1 from meta_sync.meta_ad_accounts a where a.id = account_id));

drop policy members_read_data_freshness on meta_sync.data_freshness;
create policy members_read_data_freshness on meta_sync.data_freshness
  for select to authenticated
  using (exists (select 1 from meta_sync.meta_ad_accounts a where a.id = account_id));

drop policy members_read_rate_limit_state on meta_sync.meta_rate_limit_state;
create policy members_read_rate_limit_state on meta_sync.meta_rate_limit_state
  for select to authenticated
  using (scope_type = 'app'
         or (scope_type = 'ad_account'
             and exists (select 1 from meta_sync.meta_ad_accounts a where a.id::text = scope_id)));

select meta_sync.secure_schema();
