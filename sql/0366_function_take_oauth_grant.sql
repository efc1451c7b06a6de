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
