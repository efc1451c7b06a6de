-- secure_schema with both lists: the data layer's security-invoker reads members may call
-- (kpi_summary, fx_convert_rate, currency_offset) and the RLS helpers in meta_sync_private.

create or replace function meta_sync.secure_schema()
returns void
language plpgsql
set search_path = ''
as $$
declare
  -- Functions of meta_sync signed-in users may call (everything else is revoked from them):
  -- the tier change, the pure helper the status view calls, and the data layer's
  -- security-invoker reads (RLS decides what they see). The RLS helpers and the
  -- security-definer half of the tier change live in meta_sync_private (below).
  c_for_authenticated constant text[] := array[
    'set_sync_priority', 'chunk_priority', 'currency_offset', 'fx_convert_rate', 'kpi_summary',
    'kpi_summary_organizations'];
  -- Functions the worker must not call: migration-time administration, and the nudge that
  -- would make /tick call itself.
  c_not_for_worker constant text[] := array[
    'secure_schema', 'schedule_cron_jobs', 'add_to_realtime_publication',
    'authorize_realtime_topics', 'nudge_workers'];
  v_rel record;
  v_fn record;
  v_fk record;
begin
  grant usage on schema meta_sync to service_role, meta_sync_worker, authenticated;
  revoke all on schema meta_sync from anon, public;

  -- meta_sync_private: never exposed by the API; its security-definer helpers are called by
  -- policies (as the signed-in user) and by meta_sync functions, never by anon or PUBLIC.
  grant usage on schema meta_sync_private to service_role, meta_sync_worker, authenticated;
  revoke all on schema meta_sync_private from anon, public;
  for v_fn in
    select p.oid::regprocedure as fn
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'meta_sync_private' and p.prokind in ('f', 'p')
  loop
    -- revoke everything first: the grants then come in one order, however the function got here
    execute format('revoke all on routine %s from public, anon, service_role, meta_sync_worker, authenticated', v_fn.fn);
    execute format('grant execute on routine %s to service_role, meta_sync_worker, authenticated', v_fn.fn);
  end loop;

  -- Tables: RLS on; the worker's policy lets its grants decide; service_role as on Supabase;
  -- anon and PUBLIC get nothing.
  for v_rel in
    select c.oid::regclass as rel
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind in ('r', 'p')
  loop
    execute format('alter table %s enable row level security', v_rel.rel);
    if not exists (select 1 from pg_catalog.pg_policy p
                   where p.polrelid = v_rel.rel and p.polname = 'worker_all_rows') then
      execute format(
        'create policy worker_all_rows on %s for all to meta_sync_worker using (true) with check (true)',
        v_rel.rel);
    end if;
    execute format('revoke all on %s from anon, public', v_rel.rel);
    execute format('grant all on %s to service_role', v_rel.rel);
    execute format('grant select on %s to meta_sync_worker', v_rel.rel);
  end loop;

  -- Views run with the caller's rights (RLS of the tables below applies); readable by members.
  -- Materialized views cannot: they are never granted to signed-in users.
  for v_rel in
    select c.oid::regclass as rel, c.relkind
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind in ('v', 'm')
  loop
    execute format('revoke all on %s from anon, public', v_rel.rel);
    execute format('grant select on %s to service_role, meta_sync_worker', v_rel.rel);
    if v_rel.relkind = 'v' then
      execute format('alter view %s set (security_invoker = true)', v_rel.rel);
      execute format('grant select on %s to authenticated', v_rel.rel);
    else
      execute format('revoke all on %s from authenticated', v_rel.rel);
    end if;
  end loop;

  for v_rel in
    select c.oid::regclass as rel
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind = 'S'
  loop
    execute format('revoke all on sequence %s from anon, public', v_rel.rel);
    execute format('grant usage, select on sequence %s to service_role, meta_sync_worker', v_rel.rel);
  end loop;

  -- Functions are executable by PUBLIC by default: revoke, then grant explicitly.
  for v_fn in
    select p.oid::regprocedure as fn, p.proname,
           p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype as is_trigger
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'meta_sync' and p.prokind in ('f', 'p')
  loop
    execute format('revoke execute on routine %s from public, anon', v_fn.fn);
    execute format('grant execute on routine %s to service_role', v_fn.fn);
    if v_fn.proname = any (c_for_authenticated) then
      execute format('grant execute on routine %s to authenticated', v_fn.fn);
    else
      execute format('revoke execute on routine %s from authenticated', v_fn.fn);
    end if;
    if v_fn.is_trigger or v_fn.proname = any (c_not_for_worker) then
      execute format('revoke execute on routine %s from meta_sync_worker', v_fn.fn);
    else
      execute format('grant execute on routine %s to meta_sync_worker', v_fn.fn);
    end if;
  end loop;

  -- Every foreign key gets an index whose leading columns are its columns (deletes of the
  -- parent and joins would scan the child otherwise).
  for v_fk in
    select con.conrelid::regclass as rel, cls.relname,
           (select string_agg(a.attname, '_' order by k.ord)
              from unnest(con.conkey) with ordinality k(attnum, ord)
              join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as col_names,
           (select string_agg(format('%I', a.attname), ', ' order by k.ord)
              from unnest(con.conkey) with ordinality k(attnum, ord)
              join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as col_list
    from pg_catalog.pg_constraint con
    join pg_catalog.pg_class cls on cls.oid = con.conrelid
    join pg_catalog.pg_namespace n on n.oid = cls.relnamespace
    where n.nspname = 'meta_sync' and con.contype = 'f'
      and not exists (
        select 1
        from pg_catalog.pg_index i
        where i.indrelid = con.conrelid
          and i.indpred is null
          and i.indnkeyatts >= cardinality(con.conkey)
          and (select array_agg(x order by x)
                 from unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) x)
            = (select array_agg(x order by x) from unnest(con.conkey) x))
  loop
    execute format('create index if not exists %I on %s (%s)',
                   left(v_fk.relname || '_' || v_fk.col_names, 56) || '_fk_idx', v_fk.rel, v_fk.col_list);
  end loop;
end;
$$;
comment on function meta_sync.secure_schema() is
  'Applies the tenant-security rules to every object of meta_sync (and to the functions of meta_sync_private: executable by signed-in users, the worker and service_role, never by anon or PUBLIC): RLS on every table (+ the worker policy), no access for anon/PUBLIC, service_role full access, views security_invoker, function execute revoked from PUBLIC and granted explicitly, an index on every foreign key. Idempotent; run by migrations.';

-- Granted again in secure_schema's order, as a database built from sql/ holds them.
revoke all on function meta_sync.currency_offset(text), meta_sync.fx_convert_rate(text, text, date),
  meta_sync.kpi_summary(text, date, date, uuid, text),
  meta_sync.kpi_summary_organizations(date, date, uuid, text)
  from authenticated, meta_sync_worker, service_role;
select meta_sync.secure_schema();
