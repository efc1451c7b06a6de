-- sync_jobs joins the supabase_realtime publication when it exists (Supabase's own where it is
-- there, else a stand-in created here; the migration runs the same function), and adding it
-- again is harmless.
begin;
select plan(4);

select case when exists (select 1 from pg_publication where pubname = 'supabase_realtime')
            then skip('the supabase_realtime publication exists here', 1)
            else is(meta_sync.add_to_realtime_publication(), false, 'no publication, nothing to do') end;
set local client_min_messages = error;  -- wal_level is not logical here: no warning
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
select is(meta_sync.add_to_realtime_publication(), true, 'the publication exists');
select is(meta_sync.add_to_realtime_publication(), true, 'adding again is harmless');
select ok(
  exists (select 1 from pg_publication_tables
          where pubname = 'supabase_realtime' and schemaname = 'meta_sync' and tablename = 'sync_jobs'),
  'the publication contains meta_sync.sync_jobs');

select * from finish();
rollback;
