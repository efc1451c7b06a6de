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
