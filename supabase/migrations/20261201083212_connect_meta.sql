-- Connect with Meta (Facebook Login): login states, pending grants, data deletion requests,
-- per-organisation deletion scope, declined and missing permissions on connections, the view of
-- connections that need their person again, and connection events.

alter table meta_sync.organizations
  add column meta_data_deletion text not null default 'tokens'
    constraint meta_data_deletion_known check (meta_data_deletion in ('tokens', 'tokens_and_data'));
comment on column meta_sync.organizations.meta_data_deletion is
  'What a Meta Data Deletion Request of a person deletes here: tokens (their connections; the accounts stay, without a token) or tokens_and_data (also the ad accounts synced through those connections, with everything synced for them).';

alter table meta_sync.meta_connections
  add column declined_scopes text[] not null default '{}',
  add column missing_scopes  text[] not null default '{}';
comment on column meta_sync.meta_connections.declined_scopes is 'Permissions the person declined in the login dialog (/me/permissions).';
comment on column meta_sync.meta_connections.missing_scopes is 'Required permissions (METASYNC_OAUTH_SCOPES) the token does not have: the person must grant them again.';
-- Members read their connections column by column (no token column): the new ones too.
grant select (declined_scopes, missing_scopes) on meta_sync.meta_connections to authenticated;

-- 0360_oauth_states.sql
-- Facebook Login: the `state` of each login dialog opened by `GET /connect/meta`, bound to the
-- browser session that opened it. Only hashes are stored: the state and the session cookie
-- themselves never reach the database.

create table meta_sync.oauth_states (
  state_hash      bytea primary key constraint state_hash_sha256 check (octet_length(state_hash) = 32),
  session_hash    bytea not null constraint session_hash_sha256 check (octet_length(session_hash) = 32),
  organization_id uuid not null references meta_sync.organizations (id) on delete cascade,
  connection_id   uuid references meta_sync.meta_connections (id) on delete cascade,
  redirect_uri    text not null,
  scopes          text[] not null,
  rerequest       boolean not null default false,
  requested_by    text not null,
  created_at      timestamptz not null,
  expires_at      timestamptz not null,
  used_at         timestamptz
);
create index oauth_states_expires_at_idx on meta_sync.oauth_states (expires_at);
comment on table meta_sync.oauth_states is
  'One login dialog opened by GET /connect/meta: sha-256 of its state and of the browser session that opened it, the organisation (and, for a reconnect, the connection), redirect_uri and scopes. Single use (used_at), valid until expires_at (10 minutes).';

select meta_sync.secure_schema();

-- 0361_oauth_grants.sql
-- Facebook Login: what a completed dialog gave (a long-lived token, encrypted by the server,
-- the person's permissions and ad accounts) while the person picks the accounts to connect.

create table meta_sync.oauth_grants (
  id                     uuid primary key,
  session_hash           bytea not null constraint grant_session_hash_sha256 check (octet_length(session_hash) = 32),
  organization_id        uuid not null references meta_sync.organizations (id) on delete cascade,
  connection_id          uuid references meta_sync.meta_connections (id) on delete cascade,
  meta_user_id           text not null constraint grant_meta_user_id_not_blank check (btrim(meta_user_id) <> ''),
  token_ciphertext       bytea not null,
  token_key_id           text not null,
  token_expires_at       timestamptz,
  data_access_expires_at timestamptz,
  scopes                 text[] not null default '{}',
  declined_scopes        text[] not null default '{}',
  accounts               jsonb not null default '[]'
                         constraint grant_accounts_array check (jsonb_typeof(accounts) = 'array'),
  created_at             timestamptz not null,
  expires_at             timestamptz not null,
  used_at                timestamptz
);
create index oauth_grants_expires_at_idx on meta_sync.oauth_grants (expires_at);
comment on table meta_sync.oauth_grants is
  'A completed login dialog waiting for the account picker: the long-lived token (ciphertext only, like meta_connections), the Meta user, granted and declined permissions, the ad accounts Meta listed (jsonb array). Bound to the browser session; single use; valid until expires_at.';

select meta_sync.secure_schema();

-- 0362_data_deletion_requests.sql
-- Meta's Data Deletion Request callback: one row per request, read by its status page.

create table meta_sync.data_deletion_requests (
  confirmation_code    text primary key constraint confirmation_code_format check (confirmation_code ~ '^[A-Za-z0-9_-]{16,64}$'),
  meta_user_id         text not null,
  status               text not null default 'received'
                       constraint deletion_status_known check (status in ('received', 'completed')),
  connections_deleted  integer not null default 0,
  accounts_deleted     integer not null default 0,
  requested_at         timestamptz not null,
  completed_at         timestamptz
);
create index data_deletion_requests_meta_user_id_idx on meta_sync.data_deletion_requests (meta_user_id);
comment on table meta_sync.data_deletion_requests is
  'A Data Deletion Request from Meta for one app-scoped user id: the confirmation code Meta shows the person, status (received, completed), how many connections (tokens) and ad accounts (with their synced data) were deleted.';

select meta_sync.secure_schema();

-- 0363_function_begin_oauth_state.sql
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

-- 0364_function_consume_oauth_state.sql
-- GET /connect/meta/callback: the state Meta sent back is checked and used up, once.

create function meta_sync.consume_oauth_state(
  p_state_hash   bytea,
  p_session_hash bytea,
  p_now          timestamptz default now()
)
returns table (organization_id uuid, connection_id uuid, redirect_uri text, scopes text[],
               rerequest boolean, requested_by text)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_state meta_sync.oauth_states;
begin
  select * into v_state from meta_sync.oauth_states s
  where s.state_hash = p_state_hash and s.session_hash = p_session_hash
  for update;
  if not found then
    raise exception 'unknown login state: this browser did not start this login'
      using errcode = '22023', hint = 'Start again from Connect Meta Ads.';
  end if;
  if v_state.used_at is not null then
    raise exception 'this login was already completed (a login state is single use)'
      using errcode = '55000', hint = 'Start again from Connect Meta Ads.';
  end if;
  if v_state.expires_at <= p_now then
    raise exception 'this login expired (after % minutes)',
      pg_catalog.round(extract(epoch from v_state.expires_at - v_state.created_at) / 60)
      using errcode = '55000', hint = 'Start again from Connect Meta Ads.';
  end if;
  update meta_sync.oauth_states s set used_at = p_now where s.state_hash = p_state_hash;
  return query select v_state.organization_id, v_state.connection_id, v_state.redirect_uri,
                      v_state.scopes, v_state.rerequest, v_state.requested_by;
end;
$$;
comment on function meta_sync.consume_oauth_state(bytea, bytea, timestamptz) is
  'Uses up a login state (single use) and returns what GET /connect/meta recorded. A state not issued to this browser session (forged, or another browser''s) 22023; already used or expired 55000.';

select meta_sync.secure_schema();

-- 0365_function_stash_oauth_grant.sql
-- The callback keeps what the dialog gave until the person has picked the accounts.

create function meta_sync.stash_oauth_grant(
  p_id                     uuid,
  p_session_hash           bytea,
  p_organization_id        uuid,
  p_connection_id          uuid,
  p_meta_user_id           text,
  p_token_ciphertext       bytea,
  p_token_key_id           text,
  p_token_expires_at       timestamptz,
  p_data_access_expires_at timestamptz,
  p_scopes                 text[],
  p_declined_scopes        text[],
  p_accounts               jsonb,
  p_now                    timestamptz default now(),
  p_ttl                    interval default interval '30 minutes'
)
returns timestamptz
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_id is null or p_session_hash is null or octet_length(p_session_hash) <> 32 then
    raise exception 'a grant needs an id and a sha-256 session hash' using errcode = '22023';
  end if;
  if p_meta_user_id is null or pg_catalog.btrim(p_meta_user_id) = '' then
    raise exception 'a grant needs the Meta user id' using errcode = '22023';
  end if;
  if p_token_ciphertext is null or p_token_key_id is null then
    raise exception 'a grant needs the encrypted token and its key id' using errcode = '22023';
  end if;
  if p_accounts is null or pg_catalog.jsonb_typeof(p_accounts) <> 'array' then
    raise exception 'accounts must be a json array' using errcode = '22023';
  end if;
  delete from meta_sync.oauth_grants g where g.expires_at < p_now - interval '1 day';
  insert into meta_sync.oauth_grants
    (id, session_hash, organization_id, connection_id, meta_user_id, token_ciphertext,
     token_key_id, token_expires_at, data_access_expires_at, scopes, declined_scopes, accounts,
     created_at, expires_at)
  values (p_id, p_session_hash, p_organization_id, p_connection_id, p_meta_user_id,
          p_token_ciphertext, p_token_key_id, p_token_expires_at, p_data_access_expires_at,
          coalesce(p_scopes, '{}'), coalesce(p_declined_scopes, '{}'), p_accounts, p_now,
          p_now + p_ttl);
  return p_now + p_ttl;
end;
$$;
comment on function meta_sync.stash_oauth_grant(uuid, bytea, uuid, uuid, text, bytea, text, timestamptz, timestamptz, text[], text[], jsonb, timestamptz, interval) is
  'Keeps a completed login (encrypted long-lived token, Meta user, permissions, listed ad accounts) for the account picker, bound to the browser session, for p_ttl (30 minutes); returns when it expires. Forgets grants expired for a day. Missing pieces 22023.';

select meta_sync.secure_schema();

-- 0366_function_take_oauth_grant.sql
-- The account picker is submitted: its grant is read and used up in the caller's transaction
-- (a refused pick rolls back, and the person can pick again).

create function meta_sync.take_oauth_grant(
  p_id           uuid,
  p_session_hash bytea,
  p_now          timestamptz default now(),
  p_consume      boolean default true
)
returns setof meta_sync.oauth_grants
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_grant meta_sync.oauth_grants;
begin
  select * into v_grant from meta_sync.oauth_grants g
  where g.id = p_id and g.session_hash = p_session_hash
  for update;
  if not found then
    raise exception 'no pending Meta login % for this browser session', coalesce(p_id::text, 'null')
      using errcode = 'P0002', hint = 'Start again from Connect Meta Ads.';
  end if;
  if v_grant.used_at is not null then
    raise exception 'these accounts were already connected (the pick is single use)' using errcode = '55000';
  end if;
  if v_grant.expires_at <= p_now then
    raise exception 'this Meta login expired before the accounts were picked'
      using errcode = '55000', hint = 'Start again from Connect Meta Ads.';
  end if;
  if p_consume then
    update meta_sync.oauth_grants g set used_at = p_now where g.id = p_id returning * into v_grant;
  end if;
  return next v_grant;
end;
$$;
comment on function meta_sync.take_oauth_grant(uuid, bytea, timestamptz, boolean) is
  'The pending login of this browser session (row locked), used up when p_consume (the picker''s submit; a rolled-back transaction leaves it pending). Unknown or another session''s P0002; already used or expired 55000.';

select meta_sync.secure_schema();

-- 0367_function_revoke_meta_user_connections.sql
-- Meta's Deauthorize callback: the person removed the app; their tokens are no longer used.

create function meta_sync.revoke_meta_user_connections(
  p_meta_user_id text,
  p_now          timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_known   integer;
  v_revoked integer;
begin
  if p_meta_user_id is null or p_meta_user_id !~ '^[0-9]{1,30}$' then
    raise exception 'malformed Meta user id "%"', coalesce(p_meta_user_id, 'null') using errcode = '22007';
  end if;
  select count(*) into v_known from meta_sync.meta_connections c where c.meta_user_id = p_meta_user_id;
  if v_known = 0 then
    raise exception 'no connection of Meta user %', p_meta_user_id using errcode = 'P0002';
  end if;
  update meta_sync.meta_connections c
  set status = 'revoked', last_error = 'the person removed the app on Meta (Deauthorize callback)',
      updated_at = p_now
  where c.meta_user_id = p_meta_user_id and c.status <> 'revoked';
  get diagnostics v_revoked = row_count;
  delete from meta_sync.oauth_grants g where g.meta_user_id = p_meta_user_id;
  return v_revoked;
end;
$$;
comment on function meta_sync.revoke_meta_user_connections(text, timestamptz) is
  'Deauthorize callback: every connection of the Meta user becomes revoked (its accounts stop being claimed until a reconnect) and pending logins of that user are forgotten; returns how many changed. Malformed user id 22007; no connection of that user P0002.';

select meta_sync.secure_schema();

-- 0368_function_delete_meta_user_data.sql
-- Meta's Data Deletion Request callback: the person's tokens go, and, where the organisation
-- says so, the ad accounts synced through them with everything synced for them.

create function meta_sync.delete_meta_user_data(
  p_meta_user_id      text,
  p_confirmation_code text,
  p_now               timestamptz default now()
)
returns table (connections_deleted integer, accounts_deleted integer)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_connections uuid[];
  v_accounts    text[];
begin
  if p_meta_user_id is null or p_meta_user_id !~ '^[0-9]{1,30}$' then
    raise exception 'malformed Meta user id "%"', coalesce(p_meta_user_id, 'null') using errcode = '22007';
  end if;
  if p_confirmation_code is null or p_confirmation_code !~ '^[A-Za-z0-9_-]{16,64}$' then
    raise exception 'malformed confirmation code' using errcode = '22023';
  end if;
  select coalesce(pg_catalog.array_agg(c.id), '{}') into v_connections
  from meta_sync.meta_connections c where c.meta_user_id = p_meta_user_id;
  if pg_catalog.cardinality(v_connections) = 0
     and not exists (select 1 from meta_sync.oauth_grants g where g.meta_user_id = p_meta_user_id) then
    raise exception 'no data of Meta user %', p_meta_user_id using errcode = 'P0002';
  end if;
  select coalesce(pg_catalog.array_agg(a.id::text), '{}') into v_accounts
  from meta_sync.meta_ad_accounts a
  join meta_sync.organizations o on o.id = a.organization_id
  where a.connection_id = any (v_connections) and o.meta_data_deletion = 'tokens_and_data';
  delete from meta_sync.meta_ad_accounts a where a.id::text = any (v_accounts);
  delete from meta_sync.oauth_grants g where g.meta_user_id = p_meta_user_id;
  delete from meta_sync.meta_connections c where c.id = any (v_connections);
  insert into meta_sync.data_deletion_requests
    (confirmation_code, meta_user_id, status, connections_deleted, accounts_deleted, requested_at, completed_at)
  values (p_confirmation_code, p_meta_user_id, 'completed', pg_catalog.cardinality(v_connections),
          pg_catalog.cardinality(v_accounts), p_now, p_now);
  connections_deleted := pg_catalog.cardinality(v_connections);
  accounts_deleted := pg_catalog.cardinality(v_accounts);
  return next;
end;
$$;
comment on function meta_sync.delete_meta_user_data(text, text, timestamptz) is
  'Data Deletion Request callback: deletes every connection (token) and pending login of the Meta user and, in organisations whose meta_data_deletion is tokens_and_data, the ad accounts synced through those connections (entities, insights, jobs cascade); records the request under p_confirmation_code as completed. Malformed user id 22007; malformed code 22023; nothing of that user P0002 (nothing recorded).';

select meta_sync.secure_schema();

-- 0369_view_meta_connections_attention.sql
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

-- 0370_trigger_notify_connection_change.sql
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

