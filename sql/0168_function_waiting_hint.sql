-- What unblocks an ad account whose work waits for someone (the companion of waiting_reason).

create function meta_sync_private.waiting_hint(
  p_account_id text,
  p_organization_name text,
  p_paused boolean,
  p_connection_id uuid,
  p_connection_status meta_sync.connection_status)
returns text
language sql
stable
parallel safe
return case
  when p_paused then pg_catalog.format('metasync accounts resume %s', p_account_id)
  when p_connection_id is null or p_connection_status <> 'active'
    then pg_catalog.format('metasync connect --org %L --account %s', p_organization_name, p_account_id)
end;
comment on function meta_sync_private.waiting_hint(text, text, boolean, uuid, meta_sync.connection_status) is
  'The command that unblocks an account waiting for someone: metasync accounts resume (paused), metasync connect --org --account (no connection, or not active); NULL otherwise (a throttle ends by itself). Inlined by the views that call it.';
