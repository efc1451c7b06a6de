-- Why an ad account's work waits, when that is known: the reason status, jobs and watch show.
-- Meta's blocks are read once per statement: the accounts' still in force, grouped by account
-- (a few rows, the partial index on blocked_until), and the app's (an init plan).

create view meta_sync.ad_account_waiting
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
