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
