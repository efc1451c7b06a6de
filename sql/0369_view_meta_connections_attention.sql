-- The connections that need their person again: the token is expired or revoked, expires or
-- loses data access within 7 days, or lacks a required permission. No token column.

create view meta_sync.meta_connections_attention
with (security_invoker = true)
as
select
  c.id                      as connection_id,
  c.organization_id,
  o.name                    as organization_name,
  c.label,
  c.token_type,
  c.meta_user_id,
  c.status,
  c.expires_at,
  c.data_access_expires_at,
  c.missing_scopes,
  case
    when c.status = 'revoked' then 'revoked'
    when c.status = 'expired' or c.expires_at <= now() then 'expired'
    when pg_catalog.cardinality(c.missing_scopes) > 0 then 'permission_missing'
    when c.data_access_expires_at <= now() then 'data_access_expired'
    when c.expires_at <= now() + interval '7 days' then 'expiring'
    when c.data_access_expires_at <= now() + interval '7 days' then 'data_access_expiring'
  end                       as reason,
  (select count(*) from meta_sync.meta_ad_accounts a where a.connection_id = c.id) as accounts,
  (select count(*) from meta_sync.sync_jobs j
   join meta_sync.meta_ad_accounts a on a.id = j.account_id
   where a.connection_id = c.id and j.status in ('pending', 'in_progress')) as waiting_jobs
from meta_sync.meta_connections c
join meta_sync.organizations o on o.id = c.organization_id
where c.status <> 'active'
   or c.expires_at <= now() + interval '7 days'
   or c.data_access_expires_at <= now() + interval '7 days'
   or pg_catalog.cardinality(c.missing_scopes) > 0;
comment on view meta_sync.meta_connections_attention is
  'Connections that need their person to log in with Meta again, with reason: revoked, expired, permission_missing, data_access_expired, expiring (token within 7 days), data_access_expiring (within 7 days); their account count and open (waiting) jobs. Tokens that never expire (system users) appear only when expired or revoked. No token column.';

select meta_sync.secure_schema();
