-- Why an ad account's work waits: the rule ad_account_waiting, meta_sync_status and
-- sync_job_progress share. An SQL-standard body without SET options, so the planner inlines it
-- into each view as a plain CASE over the row's columns (no call per row, and the views keep a
-- join tree small enough for an outer query's keyset page to reach the view's rows by index).
-- In meta_sync_private: a helper of the views, not an API.

create function meta_sync_private.waiting_reason(
  p_paused boolean,
  p_connection_id uuid,
  p_connection_status meta_sync.connection_status,
  p_account_throttled_until timestamptz,
  p_app_throttled_until timestamptz,
  p_now timestamptz default now())
returns text
language sql
stable
parallel safe
return case
  when p_paused then 'account paused'
  when p_connection_id is null then 'no connection'
  when p_connection_status <> 'active' then 'connection ' || p_connection_status::text
  when p_account_throttled_until > p_now then 'account throttled by Meta'
  when p_app_throttled_until is not null then 'app throttled by Meta'
end;
comment on function meta_sync_private.waiting_reason(boolean, uuid, meta_sync.connection_status, timestamptz, timestamptz, timestamptz) is
  'Why an ad account''s chunks cannot be claimed now: account paused, no connection, connection expired|revoked, account throttled by Meta (p_account_throttled_until, the later of its backoff and Meta''s block of it, is after p_now), app throttled by Meta (p_app_throttled_until: the app''s block still in force, NULL when none); NULL = nothing stops it. Inlined by the views that call it.';
