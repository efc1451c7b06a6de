-- from sql/0353_function_record_webhook_events.sql
-- The webhook endpoint stores a delivery's changes here, in one statement, deduplicated by
-- their dedupe key (Meta redelivers a change for 36 hours): a delivery of any size is one call.

create function meta_sync.record_webhook_events(
  p_events jsonb,
  p_now    timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_new integer;
begin
  if p_events is null or pg_catalog.jsonb_typeof(p_events) <> 'array' then
    raise exception 'p_events must be a JSON array of changes' using errcode = '22023';
  end if;
  if exists (
    select 1 from pg_catalog.jsonb_array_elements(p_events) e(v)
    where pg_catalog.jsonb_typeof(e.v) <> 'object'
       or coalesce(e.v ->> 'dedupe_key', '') !~ '^[0-9a-f]{64}$'
       or coalesce(e.v ->> 'object_type', '') = ''
       or coalesce(e.v ->> 'entry_id', '') = ''
       or coalesce(e.v ->> 'field', '') = ''
       or not (e.v ? 'value')
  ) then
    raise exception 'every change needs dedupe_key (hex sha256), object_type, entry_id, field and value'
      using errcode = '22023';
  end if;

  insert into meta_sync.webhook_events
    (dedupe_key, object_type, entry_id, entry_time, field, value, account_id, organization_id,
     received_at)
  select e.v ->> 'dedupe_key', e.v ->> 'object_type', e.v ->> 'entry_id',
         (e.v ->> 'entry_time')::timestamptz, e.v ->> 'field', e.v -> 'value',
         e.v ->> 'account_id', a.organization_id, p_now
  from pg_catalog.jsonb_array_elements(p_events) with ordinality as e(v, ord)
  left join meta_sync.meta_ad_accounts a on a.id = e.v ->> 'account_id'
  order by e.ord
  on conflict (dedupe_key) do nothing;
  get diagnostics v_new = row_count;
  return v_new;
end;
$$;
comment on function meta_sync.record_webhook_events(jsonb, timestamptz) is
  'Stores the changes of one webhook delivery (a JSON array of {dedupe_key, object_type, entry_id, entry_time, field, value, account_id}) as pending webhook_events received at p_now, in order; a change whose dedupe key is stored already (a redelivery, or twice in the array) is skipped. organization_id is the owner of the account at receipt. Returns how many were new. Not an array, or a change without those keys -> 22023, nothing stored.';

-- from sql/0354_function_claim_webhook_events.sql
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

-- from sql/0355_function_finish_webhook_event.sql
-- A claimed webhook event was applied (processed) or does not concern us (ignored).

create function meta_sync.finish_webhook_event(
  p_event_id    bigint,
  p_status      text,
  p_sync_job_id bigint default null,
  p_note        text default null,
  p_now         timestamptz default now()
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_status text;
begin
  if p_status is null or p_status not in ('processed', 'ignored') then
    raise exception 'unknown webhook event outcome "%": expected processed or ignored',
      coalesce(p_status, 'null')
      using errcode = '22023';
  end if;
  select e.status into v_status from meta_sync.webhook_events e where e.id = p_event_id for update;
  if not found then
    raise exception 'no webhook event %', coalesce(p_event_id::text, 'null') using errcode = 'P0002';
  end if;
  if v_status <> 'processing' then
    raise exception 'webhook event % is %, not processing', p_event_id, v_status
      using errcode = '55000';
  end if;
  update meta_sync.webhook_events e
  set status = p_status, sync_job_id = p_sync_job_id, error = p_note, processed_at = p_now,
      locked_until = null
  where e.id = p_event_id;
end;
$$;
comment on function meta_sync.finish_webhook_event(bigint, text, bigint, text, timestamptz) is
  'Ends a claimed (processing) webhook event: processed (with the re-sync job that reads it) or ignored (p_note says why: unknown account, unhandled field). Unknown outcome -> 22023, unknown event -> P0002, event not processing -> 55000.';

-- from sql/0356_function_fail_webhook_event.sql
-- A claimed webhook event could not be applied: it fails alone, with the reason.

create function meta_sync.fail_webhook_event(
  p_event_id bigint,
  p_error    text,
  p_now      timestamptz default now()
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_status text;
begin
  select e.status into v_status from meta_sync.webhook_events e where e.id = p_event_id for update;
  if not found then
    raise exception 'no webhook event %', coalesce(p_event_id::text, 'null') using errcode = 'P0002';
  end if;
  if v_status <> 'processing' then
    raise exception 'webhook event % is %, not processing', p_event_id, v_status
      using errcode = '55000';
  end if;
  update meta_sync.webhook_events e
  set status = 'failed', sync_job_id = null,
      error = left(coalesce(nullif(btrim(p_error), ''), 'unknown error'), 1000),
      processed_at = p_now, locked_until = null
  where e.id = p_event_id;
end;
$$;
comment on function meta_sync.fail_webhook_event(bigint, text, timestamptz) is
  'Marks a claimed (processing) webhook event failed with p_error (at most 1 000 characters): it is not retried, it stays for an operator to look at. Unknown event -> P0002, event not processing -> 55000.';

select meta_sync.secure_schema();
