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
