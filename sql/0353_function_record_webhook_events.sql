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

select meta_sync.secure_schema();
