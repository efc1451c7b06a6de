-- sync_jobs joins the supabase_realtime publication when it exists (stand-in publication
-- created here; the migration runs the same function), and adding it again is harmless.
begin;
select plan(4);

select is(meta_sync.add_to_realtime_publication(), false, 'no publication, nothing to do');
set local client_min_messages = error;  -- wal_level is not logical here: no warning
create publication supabase_realtime;
select is(meta_sync.add_to_realtime_publication(), true, 'the publication exists');
select is(meta_sync.add_to_realtime_publication(), true, 'adding again is harmless');
select is(
  (select array_agg(schemaname || '.' || tablename) from pg_publication_tables where pubname = 'supabase_realtime'),
  array['meta_sync.sync_jobs']::text[],
  'the publication contains meta_sync.sync_jobs');

select * from finish();
rollback;
