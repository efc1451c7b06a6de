-- Supabase hardening: the security-definer helpers move to meta_sync_private (a schema no API
-- exposes), set_sync_priority becomes a security-invoker front of its private half, members get
-- a token-free view of their connections, and a job state is broadcast once per transaction.

create schema if not exists meta_sync_private;
comment on schema meta_sync_private is
  'meta-sync security-definer helpers called by policies and by meta_sync functions. Never add it to the API''s exposed schemas.';
revoke all on schema meta_sync_private from public, anon;
grant usage on schema meta_sync_private to authenticated, service_role;

-- The membership checks keep their identity: the policies that call them follow the move.
alter function meta_sync.is_org_member(uuid) set schema meta_sync_private;
alter function meta_sync.is_org_admin(uuid) set schema meta_sync_private;
alter function meta_sync.is_sync_topic_member(text) set schema meta_sync_private;

create or replace function meta_sync_private.is_sync_topic_member(p_topic text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_match text[] := pg_catalog.regexp_match(
    p_topic, '^org:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):sync$');
begin
  if v_match is null then
    return false;
  end if;
  return meta_sync_private.is_org_member(v_match[1]::uuid);
end;
$$;
comment on function meta_sync_private.is_sync_topic_member(text) is
  'True when the topic is org:<organization_id>:sync and the signed-in user belongs to that organization. Used by the policy on realtime.messages.';

create or replace function meta_sync.authorize_realtime_topics()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if pg_catalog.to_regclass('realtime.messages') is null then
    return false;
  end if;
  execute 'drop policy if exists meta_sync_members_receive_sync_progress on realtime.messages';
  execute $p$
    create policy meta_sync_members_receive_sync_progress on realtime.messages
      for select to authenticated
      using (
        realtime.messages.extension = 'broadcast'
        and realtime.messages.topic = (select realtime.topic())
        and meta_sync_private.is_sync_topic_member((select realtime.topic()))
      )
  $p$;
  return true;
end;
$$;
comment on function meta_sync.authorize_realtime_topics() is
  'Creates (or recreates) the policy on realtime.messages that lets signed-in members of organization X receive broadcasts on org:X:sync; returns false where realtime.messages does not exist. Idempotent; run by the migration (and again after enabling Realtime).';

select meta_sync.authorize_realtime_topics();

-- The tier change: its security-definer body moves; meta_sync keeps an invoker front.
alter function meta_sync.set_sync_priority(text, text, timestamptz) set schema meta_sync_private;

comment on function meta_sync_private.set_sync_priority(text, text, timestamptz) is
  'Behind meta_sync.set_sync_priority (security definer: signed-in users have no write privilege). Sets an account''s tier (high | medium | low) and returns its new next_sync_at. Unknown tier -> 22023, malformed id -> 22007. A signed-in user who is not owner/admin of the account''s organization -> 42501, for an unknown account too (existence is not revealed); service role / superuser: unknown account -> P0002.';

create function meta_sync.set_sync_priority(
  p_account_id text,
  p_tier text,
  p_now timestamptz default now()
)
returns timestamptz
language sql
security invoker
set search_path = ''
as $$
  select meta_sync_private.set_sync_priority(p_account_id, p_tier, p_now)
$$;
comment on function meta_sync.set_sync_priority(text, text, timestamptz) is
  'Sets an account''s tier (high | medium | low) and returns its new next_sync_at. Unknown tier -> 22023, malformed id -> 22007. A signed-in user who is not owner/admin of the account''s organization -> 42501, for an unknown account too (existence is not revealed); service role / superuser: unknown account -> P0002. Security invoker; the check and the write are meta_sync_private.set_sync_priority''s.';

-- One broadcast per job state: a deferred trigger sending the state the transaction leaves.
drop trigger sync_jobs_realtime_broadcast on meta_sync.sync_jobs;

create or replace function meta_sync.broadcast_sync_job_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job   meta_sync.sync_jobs;
  v_state text;
  v_sent  jsonb;
begin
  -- Only a change that a progress bar shows is worth a message.
  if tg_op = 'UPDATE' and (
       old.status, old.progress_percentage, old.total_chunks, old.completed_chunks,
       old.failed_chunks, old.campaigns_synced, old.adsets_synced, old.ads_synced,
       old.creatives_synced, old.insight_rows_written, old.estimated_completion_at)
     is not distinct from (
       new.status, new.progress_percentage, new.total_chunks, new.completed_chunks,
       new.failed_chunks, new.campaigns_synced, new.adsets_synced, new.ads_synced,
       new.creatives_synced, new.insight_rows_written, new.estimated_completion_at) then
    return null;
  end if;
  -- Checked at run time: Realtime may be installed after this migration, or never.
  if pg_catalog.to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null then
    return null;
  end if;
  -- Deferred: the job as the transaction leaves it, sent once per state.
  select j.* into v_job from meta_sync.sync_jobs j where j.id = new.id;
  if not found then
    return null;
  end if;
  v_state := pg_catalog.md5(row(
    v_job.status, v_job.progress_percentage, v_job.total_chunks, v_job.completed_chunks,
    v_job.failed_chunks, v_job.campaigns_synced, v_job.adsets_synced, v_job.ads_synced,
    v_job.creatives_synced, v_job.insight_rows_written, v_job.estimated_completion_at)::text);
  -- What this transaction already sent, job id -> state (one setting, reset at its end).
  v_sent := coalesce(nullif(pg_catalog.current_setting('meta_sync.broadcast_sent', true), ''),
                     '{}')::jsonb;
  if v_sent ->> v_job.id::text is not distinct from v_state then
    return null;
  end if;
  perform pg_catalog.set_config('meta_sync.broadcast_sent',
    (v_sent || pg_catalog.jsonb_build_object(v_job.id::text, v_state))::text, true);
  execute 'select realtime.send($1, $2, $3, $4)'
    using pg_catalog.jsonb_build_object(
            'job_id', v_job.id,
            'organization_id', v_job.organization_id,
            'account_id', v_job.account_id,
            'sync_phase', v_job.sync_phase,
            'sync_type', v_job.sync_type,
            'status', v_job.status,
            'progress_percentage', v_job.progress_percentage,
            'estimated_completion_at', v_job.estimated_completion_at,
            'total_chunks', v_job.total_chunks,
            'completed_chunks', v_job.completed_chunks,
            'failed_chunks', v_job.failed_chunks,
            'campaigns_synced', v_job.campaigns_synced,
            'adsets_synced', v_job.adsets_synced,
            'ads_synced', v_job.ads_synced,
            'creatives_synced', v_job.creatives_synced,
            'insight_rows_written', v_job.insight_rows_written,
            'date_since', v_job.date_since,
            'date_until', v_job.date_until,
            'updated_at', v_job.updated_at),
          'progress',
          'org:' || v_job.organization_id::text || ':sync',
          true;
  return null;
end;
$$;
comment on function meta_sync.broadcast_sync_job_progress() is
  'Deferred trigger on sync_jobs: at the end of the transaction, sends the job''s progress as it then is (id, account, phase, status, percentage, ETA, counts) with realtime.send to the private topic org:<organization_id>:sync, event progress, once per state (the transaction-local setting meta_sync.broadcast_sent remembers what was sent). No-op where realtime.send does not exist. Security definer: the worker has no rights on the realtime schema.';

create constraint trigger sync_jobs_realtime_broadcast
  after insert or update on meta_sync.sync_jobs
  deferrable initially deferred
  for each row execute function meta_sync.broadcast_sync_job_progress();
comment on trigger sync_jobs_realtime_broadcast on meta_sync.sync_jobs is
  'One Realtime broadcast per job state, at the end of the transaction (meta_sync.broadcast_sync_job_progress).';

create view meta_sync.member_connections
with (security_invoker = true)
as
select c.id, c.organization_id, c.label, c.token_type, c.meta_user_id, c.scopes, c.expires_at,
       c.data_access_expires_at, c.status, c.last_validated_at, c.last_error, c.created_at,
       c.updated_at
from meta_sync.meta_connections c;
comment on view meta_sync.member_connections is
  'The Meta connections of the caller''s organisations without the token (ciphertext, key id): what a member may read, with a plain select *. security_invoker; rows as the meta_connections policy allows.';


create or replace function meta_sync.secure_schema()
returns void
language plpgsql
set search_path = ''
as $$
declare
  -- Functions of meta_sync signed-in users may call (everything else is revoked from them):
  -- the tier change and the pure helper the status view calls. The RLS helpers and the
  -- security-definer half of the tier change live in meta_sync_private (below).
  c_for_authenticated constant text[] := array['set_sync_priority', 'chunk_priority'];
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


select meta_sync.secure_schema();
