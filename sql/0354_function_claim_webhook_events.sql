-- A processing pass claims a batch of unfinished webhook events: pending ones, and ones whose
-- processing lease expired (the pass died). SKIP LOCKED: concurrent passes never share an event.

create function meta_sync.claim_webhook_events(
  p_limit         integer default 100,
  p_lease_seconds integer default 120,
  p_now           timestamptz default now()
)
returns table (event_id bigint, field text, value jsonb, account_id text, attempts integer)
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'p_limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  if p_lease_seconds is null or p_lease_seconds not between 1 and 86400 then
    raise exception 'p_lease_seconds must be between 1 and 86400, got %',
      coalesce(p_lease_seconds::text, 'null')
      using errcode = '22023';
  end if;
  return query
  with claimable as (
    select e.id
    from meta_sync.webhook_events e
    where e.status = 'pending' or (e.status = 'processing' and e.locked_until <= p_now)
    order by e.id
    limit p_limit
    for update skip locked
  )
  update meta_sync.webhook_events e
  set status = 'processing',
      attempts = e.attempts + 1,
      locked_until = p_now + pg_catalog.make_interval(secs => p_lease_seconds)
  from claimable c
  where e.id = c.id
  returning e.id, e.field, e.value, e.account_id, e.attempts;
end;
$$;
comment on function meta_sync.claim_webhook_events(integer, integer, timestamptz) is
  'Claims up to p_limit unfinished webhook events (pending, or processing with a lease expired at p_now), oldest first, FOR UPDATE SKIP LOCKED: status processing, attempts + 1, leased for p_lease_seconds. Returns (event_id, field, value, account_id, attempts). p_limit outside 1..10000 or p_lease_seconds outside 1..86400 -> 22023.';

select meta_sync.secure_schema();
