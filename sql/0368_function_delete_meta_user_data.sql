-- Meta's Data Deletion Request callback: the person's tokens go, and, where the organisation
-- says so, the ad accounts synced through them with everything synced for them.

create function meta_sync.delete_meta_user_data(
  p_meta_user_id      text,
  p_confirmation_code text,
  p_now               timestamptz default now()
)
returns table (connections_deleted integer, accounts_deleted integer)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_connections uuid[];
  v_accounts    text[];
begin
  if p_meta_user_id is null or p_meta_user_id !~ '^[0-9]{1,30}$' then
    raise exception 'malformed Meta user id "%"', coalesce(p_meta_user_id, 'null') using errcode = '22007';
  end if;
  if p_confirmation_code is null or p_confirmation_code !~ '^[A-Za-z0-9_-]{16,64}$' then
    raise exception 'malformed confirmation code' using errcode = '22023';
  end if;
  select coalesce(pg_catalog.array_agg(c.id), '{}') into v_connections
  from meta_sync.meta_connections c where c.meta_user_id = p_meta_user_id;
  if pg_catalog.cardinality(v_connections) = 0
     and not exists (select 1 from meta_sync.oauth_grants g where g.meta_user_id = p_meta_user_id) then
    raise exception 'no data of Meta user %', p_meta_user_id using errcode = 'P0002';
  end if;
  select coalesce(pg_catalog.array_agg(a.id::text), '{}') into v_accounts
  from meta_sync.meta_ad_accounts a
  join meta_sync.organizations o on o.id = a.organization_id
  where a.connection_id = any (v_connections) and o.meta_data_deletion = 'tokens_and_data';
  delete from meta_sync.meta_ad_accounts a where a.id::text = any (v_accounts);
  delete from meta_sync.oauth_grants g where g.meta_user_id = p_meta_user_id;
  delete from meta_sync.meta_connections c where c.id = any (v_connections);
  insert into meta_sync.data_deletion_requests
    (confirmation_code, meta_user_id, status, connections_deleted, accounts_deleted, requested_at, completed_at)
  values (p_confirmation_code, p_meta_user_id, 'completed', pg_catalog.cardinality(v_connections),
          pg_catalog.cardinality(v_accounts), p_now, p_now);
  connections_deleted := pg_catalog.cardinality(v_connections);
  accounts_deleted := pg_catalog.cardinality(v_accounts);
  return next;
end;
$$;
comment on function meta_sync.delete_meta_user_data(text, text, timestamptz) is
  'Data Deletion Request callback: deletes every connection (token) and pending login of the Meta user and, in organisations whose meta_data_deletion is tokens_and_data, the ad accounts synced through those connections (entities, insights, jobs cascade); records the request under p_confirmation_code as completed. Malformed user id 22007; malformed code 22023; nothing of that user P0002 (nothing recorded).';

select meta_sync.secure_schema();
