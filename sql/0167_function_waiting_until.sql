-- Until when an ad account's work waits (the companion of waiting_reason, same arguments).
-- Inlined like it: each argument is used once, except plain columns.

create function meta_sync_private.waiting_until(
  p_paused boolean,
  p_connection_id uuid,
  p_connection_status meta_sync.connection_status,
  p_account_throttled_until timestamptz,
  p_app_throttled_until timestamptz,
  p_now timestamptz default now())
returns timestamptz
language sql
stable
parallel safe
return case
  when p_paused or p_connection_id is null or p_connection_status <> 'active' then null
  when p_account_throttled_until > p_now then p_account_throttled_until
  else p_app_throttled_until
end;
comment on function meta_sync_private.waiting_until(boolean, uuid, meta_sync.connection_status, timestamptz, timestamptz, timestamptz) is
  'Until when the reason of waiting_reason (same arguments) holds: the account''s throttle, else the app''s (p_app_throttled_until: still in force, or NULL); NULL for a pause or a connection problem (until someone acts) and when nothing waits. Inlined by the views that call it.';
