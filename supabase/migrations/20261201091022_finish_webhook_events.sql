-- Many claimed webhook events end in one statement.


create function meta_sync.finish_webhook_events(
  p_event_ids    bigint[],
  p_status       text,
  p_sync_job_ids bigint[] default null,
  p_notes        text[] default null,
  p_now          timestamptz default now()
)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_count integer;
begin
  if p_status is null or p_status not in ('processed', 'ignored') then
    raise exception 'unknown webhook event outcome "%": expected processed or ignored',
      coalesce(p_status, 'null')
      using errcode = '22023';
  end if;
  if p_event_ids is null
     or (p_sync_job_ids is not null and cardinality(p_sync_job_ids) <> cardinality(p_event_ids))
     or (p_notes is not null and cardinality(p_notes) <> cardinality(p_event_ids)) then
    raise exception 'p_event_ids must be given, and p_sync_job_ids / p_notes as long as it'
      using errcode = '22023';
  end if;
  if exists (
    select 1 from unnest(p_event_ids) i(id)
    left join meta_sync.webhook_events e on e.id = i.id
    where e.id is null or e.status <> 'processing'
  ) then
    raise exception 'every webhook event must exist and be processing'
      using errcode = '55000';
  end if;
  update meta_sync.webhook_events e
  set status = p_status, sync_job_id = v.job_id, error = v.note, processed_at = p_now,
      locked_until = null
  from unnest(p_event_ids, coalesce(p_sync_job_ids, array[]::bigint[]),
              coalesce(p_notes, array[]::text[])) as v(id, job_id, note)
  where e.id = v.id;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function meta_sync.finish_webhook_events(bigint[], text, bigint[], text[], timestamptz) is
  'Ends many claimed (processing) webhook events in one statement: processed (p_sync_job_ids[i] the re-sync job of event i) or ignored (p_notes[i] why). Returns how many. Unknown outcome or arrays of other lengths -> 22023; an event unknown or not processing -> 55000, nothing changed.';

select meta_sync.secure_schema();
