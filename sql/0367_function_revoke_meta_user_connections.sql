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
