-- The organisation called p_name (case-insensitively), created when missing.

create function meta_sync.ensure_organization(
  p_name text,
  p_now  timestamptz default now()
)
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_name text := pg_catalog.btrim(p_name);
  v_id   uuid;
begin
  if v_name is null or v_name = '' then
    raise exception 'an organisation name must not be blank' using errcode = '22023';
  end if;
  -- An id is accepted too (an unknown one is refused, never created).
  if v_name ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select o.id into v_id from meta_sync.organizations o where o.id = v_name::uuid;
    if not found then
      raise exception 'no organisation with id %', v_name using errcode = 'P0002';
    end if;
    return v_id;
  end if;
  insert into meta_sync.organizations (name, created_at) values (v_name, p_now)
  on conflict ((pg_catalog.lower(pg_catalog.btrim(name)))) do nothing
  returning id into v_id;
  if v_id is null then
    select o.id into v_id from meta_sync.organizations o
    where pg_catalog.lower(pg_catalog.btrim(o.name)) = pg_catalog.lower(v_name);
  end if;
  return v_id;
end;
$$;
comment on function meta_sync.ensure_organization(text, timestamptz) is
  'The id of the organisation named p_name, compared case-insensitively and without surrounding blanks, created when there is none (safe concurrently: the unique index organizations_name_key decides). An organisation id is accepted too (unknown id -> P0002, never created). Blank name -> 22023.';

select meta_sync.secure_schema();
