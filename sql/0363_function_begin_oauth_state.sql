-- GET /connect/meta: a login dialog is opened for an organisation (or to reconnect one of its
-- connections); its state is remembered, bound to the browser session, for 10 minutes.

create function meta_sync.begin_oauth_state(
  p_state_hash      bytea,
  p_session_hash    bytea,
  p_organization_id uuid,
  p_connection_id   uuid,
  p_redirect_uri    text,
  p_scopes          text[],
  p_rerequest       boolean,
  p_requested_by    text,
  p_now             timestamptz default now(),
  p_ttl             interval default interval '10 minutes'
)
returns timestamptz
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_state_hash is null or octet_length(p_state_hash) <> 32
     or p_session_hash is null or octet_length(p_session_hash) <> 32 then
    raise exception 'state and session must be sha-256 hashes (32 bytes)' using errcode = '22023';
  end if;
  if p_redirect_uri is null or p_redirect_uri !~ '^https?://' then
    raise exception 'redirect_uri must be an absolute http(s) URL, got "%"', coalesce(p_redirect_uri, 'null')
      using errcode = '22023';
  end if;
  if p_scopes is null or pg_catalog.cardinality(p_scopes) = 0 then
    raise exception 'at least one permission (scope) is needed' using errcode = '22023';
  end if;
  if p_ttl is null or p_ttl < interval '1 minute' or p_ttl > interval '1 hour' then
    raise exception 'a login state lives between 1 minute and 1 hour, not %', p_ttl using errcode = '22023';
  end if;
  if not exists (select 1 from meta_sync.organizations o where o.id = p_organization_id) then
    raise exception 'no organisation with id %', coalesce(p_organization_id::text, 'null') using errcode = 'P0002';
  end if;
  if p_connection_id is not null and not exists (
      select 1 from meta_sync.meta_connections c
      where c.id = p_connection_id and c.organization_id = p_organization_id) then
    raise exception 'connection % is not a connection of organisation %', p_connection_id, p_organization_id
      using errcode = '22023';
  end if;
  delete from meta_sync.oauth_states s where s.expires_at < p_now - interval '1 day';
  insert into meta_sync.oauth_states
    (state_hash, session_hash, organization_id, connection_id, redirect_uri, scopes, rerequest,
     requested_by, created_at, expires_at)
  values (p_state_hash, p_session_hash, p_organization_id, p_connection_id, p_redirect_uri,
          p_scopes, coalesce(p_rerequest, false), coalesce(p_requested_by, 'unknown'), p_now, p_now + p_ttl);
  return p_now + p_ttl;
end;
$$;
comment on function meta_sync.begin_oauth_state(bytea, bytea, uuid, uuid, text, text[], boolean, text, timestamptz, interval) is
  'Remembers a login dialog''s state (sha-256 of the state and of the browser session) for an organisation, or for reconnecting one of its connections; returns when it expires (p_ttl, 10 minutes). Forgets states expired for a day. Bad hashes, redirect_uri, scopes or ttl 22023; unknown organisation P0002; a connection of another organisation 22023.';

select meta_sync.secure_schema();
