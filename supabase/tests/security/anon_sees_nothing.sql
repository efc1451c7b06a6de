-- anon reads nothing of meta_sync: every table and view is refused (no schema usage, no grant),
-- even with the claims of a member, and no function of the schema is executable by anon.
begin;
select plan((
  select count(*)::int + 1
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'meta_sync' and c.relkind in ('r', 'p', 'v', 'm')));

select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.add_member('aaaaaaaa-0000-4000-8000-000000000001',
  '11111111-0000-4000-8000-000000000001');
select meta_sync_tests.create_account('act_1001', p_organization_id => 'aaaaaaaa-0000-4000-8000-000000000001',
  p_with_connection => false);

-- How many rows the current role reads of a relation, or -1 when it is refused.
create function pg_temp.rows_read(p_rel regclass) returns bigint language plpgsql as $$
declare
  v_count bigint;
begin
  execute format('select count(*) from %s', p_rel) into v_count;
  return v_count;
exception when insufficient_privilege then
  return -1;
end;
$$;

set local role anon;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "anon"}';
select is(pg_temp.rows_read(c.oid::regclass), -1::bigint, format('anon is refused %s', c.oid::regclass))
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'meta_sync' and c.relkind in ('r', 'p', 'v', 'm')
order by c.oid::regclass::text;
reset role;

select is(
  (select array_agg(p.oid::regprocedure::text order by 1)
   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'meta_sync' and has_function_privilege('anon', p.oid, 'EXECUTE')),
  null, 'no function of meta_sync is executable by anon');

select * from finish();
rollback;
