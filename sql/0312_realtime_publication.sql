-- Postgres Changes: sync_jobs joins the supabase_realtime publication where it exists
-- (each change is then checked against the subscriber's RLS by Realtime).

create function meta_sync.add_to_realtime_publication()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    return false;
  end if;
  if not exists (
    select 1 from pg_catalog.pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'meta_sync' and tablename = 'sync_jobs'
  ) then
    execute 'alter publication supabase_realtime add table meta_sync.sync_jobs';
  end if;
  return true;
end;
$$;
comment on function meta_sync.add_to_realtime_publication() is
  'Adds meta_sync.sync_jobs to the supabase_realtime publication when that publication exists; returns whether it exists. Idempotent; run by the migration (and again after enabling Realtime).';

select meta_sync.add_to_realtime_publication();
