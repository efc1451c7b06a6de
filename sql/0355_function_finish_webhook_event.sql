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

select meta_sync.secure_schema();
