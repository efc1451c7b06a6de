-- Only owners and admins change tiers, through meta_sync.set_sync_priority (sql/0120), which
-- refuses a signed-in user who is not an owner or admin of the account's organization (42501).
-- Signed-in users have no write privilege on the tables, so the function doing the work,
-- meta_sync_private.set_sync_priority, runs with its owner's rights (security definer; its
-- search_path is already ''), in the schema no API exposes. Execute on both is granted to
-- authenticated by meta_sync.secure_schema() (sql/0349), revoked from PUBLIC and anon.

do $$
declare
  v_fn regprocedure;
begin
  for v_fn in
    select p.oid::regprocedure
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'meta_sync_private' and p.proname = 'set_sync_priority'
  loop
    execute format('alter function %s security definer set search_path = %L', v_fn, '');
  end loop;
end
$$;
