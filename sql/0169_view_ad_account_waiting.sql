-- Why an ad account's work waits, when that is known: the reason status, jobs and watch show.

create view meta_sync.ad_account_waiting
with (security_invoker = true)
as
select
  a.id::text as account_id,
  case
    when a.paused then 'account paused'
    when a.connection_id is null then 'no connection'
    when c.status <> 'active' then 'connection ' || c.status::text
    when greatest(a.rate_limit_backoff_until, s.blocked_until) > now() then 'account throttled by Meta'
    when app.blocked_until is not null then 'app throttled by Meta'
  end as waiting_reason,
  case
    when a.paused or a.connection_id is null or c.status <> 'active' then null
    when greatest(a.rate_limit_backoff_until, s.blocked_until) > now()
      then greatest(a.rate_limit_backoff_until, s.blocked_until)
    else app.blocked_until
  end as waiting_until,
  case
    when a.paused then pg_catalog.format('metasync accounts resume %s', a.id)
    when a.connection_id is null or c.status <> 'active'
      then pg_catalog.format('metasync connect --org %L --account %s', o.name, a.id)
  end as waiting_hint
from meta_sync.meta_ad_accounts a
join meta_sync.organizations o on o.id = a.organization_id
left join meta_sync.meta_connections c on c.id = a.connection_id
left join lateral (
  select max(r.blocked_until) as blocked_until from meta_sync.meta_rate_limit_state r
  where r.scope_type = 'ad_account' and r.scope_id = a.id::text and r.blocked_until > now()
) s on true
left join lateral (
  select max(r.blocked_until) as blocked_until from meta_sync.meta_rate_limit_state r
  where r.scope_type = 'app' and r.blocked_until > now()
) app on true;
comment on view meta_sync.ad_account_waiting is
  'Per ad account: why its chunks cannot be claimed now (waiting_reason: account paused, no connection, connection expired|revoked, account throttled by Meta, app throttled by Meta; NULL = nothing stops it), until when (waiting_until; NULL with a reason = until someone acts) and what to do (waiting_hint: the command that unblocks it).';
