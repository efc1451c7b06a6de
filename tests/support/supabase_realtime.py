"""What Supabase Realtime installs in a project's database (its tenant migrations), as a test
fixture: the ``realtime`` schema with its admin role, the ``subscription`` table, the
``messages`` table partitioned by ``inserted_at`` with a default partition, ``topic()``,
``send()`` (a broadcast is a ``messages`` row; errors become warnings) and
``broadcast_changes()``, with Realtime's grants, ownership and RLS, plus the
``supabase_realtime`` publication every Supabase project has. Written from a reading of
supabase/realtime's ``lib/realtime/tenants/repo/migrations``; the Postgres-Changes internals
(WAL decoding, filters) are left out: meta-sync does not touch them.
"""

REALTIME_TENANT_SQL = r"""
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'supabase_realtime_admin') then
    create role supabase_realtime_admin nologin noinherit noreplication;
  end if;
end
$$;
create schema realtime;

create type realtime.action as enum ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'ERROR');
create type realtime.equality_op as enum ('eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in');
create type realtime.user_defined_filter as (column_name text, op realtime.equality_op, value text);

create function realtime.to_regrole(role_name text) returns regrole
  language sql immutable as $f$ select role_name::regrole $f$;

-- The channel a client is joining, set by Realtime while it checks the policies.
create function realtime.topic() returns text
  language sql stable as $f$ select nullif(current_setting('realtime.topic', true), '')::text $f$;

create table realtime.subscription (
  id bigint generated always as identity primary key,
  subscription_id uuid not null default gen_random_uuid(),
  entity regclass not null,
  filters realtime.user_defined_filter[] not null default '{}',
  claims jsonb not null,
  claims_role regrole not null generated always as (realtime.to_regrole(claims ->> 'role')) stored,
  created_at timestamp not null default timezone('utc', now()),
  action_filter text default '*' check (action_filter in ('*', 'INSERT', 'UPDATE', 'DELETE'))
);

-- Broadcasts and presence, one row per message; Realtime adds daily partitions, the default
-- one catches the rest.
create table realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
) partition by range (inserted_at);
create table realtime.messages_default partition of realtime.messages default;
create index messages_inserted_at_topic_index on only realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;

-- A broadcast from the database: a messages row; a failure is a warning, never an error.
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql as $f$
declare
  v_id uuid := gen_random_uuid();
begin
  begin
    execute format('set local realtime.topic to %L', topic);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (v_id,
            case when payload ? 'id' then payload
                 else jsonb_set(payload, '{id}', to_jsonb(v_id)) end,
            event, topic, private, 'broadcast');
  exception when others then
    raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end
$f$;

create function realtime.broadcast_changes(topic_name text, event_name text, operation text,
    table_name text, table_schema text, new record, old record, level text default 'ROW')
returns void language plpgsql as $f$
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation not in ('INSERT', 'UPDATE', 'DELETE') then
    raise exception 'Unexpected operation type: %', operation;
  end if;
  perform realtime.send(jsonb_build_object('old_record', old, 'record', new,
                                           'operation', operation, 'table', table_name,
                                           'schema', table_schema), event_name, topic_name);
end
$f$;

grant usage on schema realtime
  to postgres, anon, authenticated, service_role, supabase_realtime_admin;
grant create on schema realtime to supabase_realtime_admin;
grant all on all tables in schema realtime to supabase_realtime_admin;
grant all on all functions in schema realtime to supabase_realtime_admin;
grant select on realtime.subscription to anon, authenticated, service_role;
grant select, insert, update on realtime.messages to anon, authenticated, service_role;
alter table realtime.messages owner to supabase_realtime_admin;
alter table realtime.subscription owner to supabase_realtime_admin;
alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
alter table realtime.messages enable row level security;

set client_min_messages = error;  -- wal_level is not logical on a test cluster: no warning
create publication supabase_realtime;
"""
