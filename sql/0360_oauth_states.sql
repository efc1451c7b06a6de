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
