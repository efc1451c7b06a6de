-- Connection events: a token that dies, is revoked, replaced or changes its expiry is announced
-- like job progress, on its own channel (meta_sync_connections).

create function meta_sync.notify_connection_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify('meta_sync_connections', pg_catalog.json_build_object(
    'connection_id', new.id,
    'organization_id', new.organization_id,
    'status', new.status,
    'expires_at', new.expires_at,
    'data_access_expires_at', new.data_access_expires_at,
    'missing_scopes', new.missing_scopes)::text);
  return null;
end;
$$;
comment on function meta_sync.notify_connection_change() is
  'Trigger: pg_notify(''meta_sync_connections'', json) with connection_id, organization_id, status, expires_at, data_access_expires_at, missing_scopes (never the token).';

create trigger meta_connections_notify_change
  after insert or update of status, expires_at, data_access_expires_at, missing_scopes
  on meta_sync.meta_connections
  for each row execute function meta_sync.notify_connection_change();
comment on trigger meta_connections_notify_change on meta_sync.meta_connections is
  'A new connection, or a change of status, expiry, data-access expiry or missing permissions, is announced on channel meta_sync_connections.';

select meta_sync.secure_schema();
