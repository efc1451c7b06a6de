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
