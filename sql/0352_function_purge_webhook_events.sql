-- Old webhook_events go: purge_webhook_events deletes the events whose processing
-- finished (processed, ignored) received more than 30 days ago; pending and processing events
-- (not done yet) and failed ones (for an operator to look at) are kept. The window is at least
-- 36 hours: Meta redelivers a change for 36 hours and the stored dedupe key is what keeps a
-- redelivery out.
-- pg_cron (where it runs, guarded as in sql/0321) runs it daily: job meta-sync-webhook-purge,
-- '37 3 * * *'. Without pg_cron call it from your own scheduler as the service role or the
-- migration owner (the worker role has no delete privilege on webhook_events).

create function meta_sync.purge_webhook_events(
  p_older_than interval default '30 days',
  p_now        timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_deleted integer;
begin
  if p_older_than is null or p_older_than < interval '36 hours' then
    raise exception 'p_older_than must be at least 36 hours (Meta redelivers for 36 hours), got %',
      coalesce(p_older_than::text, 'null')
      using errcode = '22023';
  end if;
  delete from meta_sync.webhook_events e
  where e.status in ('processed', 'ignored')
    and e.received_at < p_now - p_older_than;
  get diagnostics v_deleted = row_count;
  return v_deleted;
end;
$$;
comment on function meta_sync.purge_webhook_events(interval, timestamptz) is
  'Deletes webhook events whose processing finished (status processed or ignored) received before p_now - p_older_than (30 days); pending, processing and failed events are kept. Returns how many were deleted. p_older_than shorter than 36 hours (Meta''s redelivery window, which the dedupe key covers) or NULL -> 22023. Scheduled daily by pg_cron as meta-sync-webhook-purge.';

select meta_sync.secure_schema();
