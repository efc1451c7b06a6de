-- The pgTAP fixtures: schema meta_sync_tests, helper functions that create an organisation, a
-- connection, an ad account, a sync job and its chunks with sensible defaults and named
-- arguments. It is test code, never a migration: this file runs first (pg_prove and
-- `supabase test db` run the files in name order; tests/integration/test_pgtap.py also loads it
-- before any other file) and commits, so every later file, in its own transaction, can call
-- the helpers. Re-running it replaces the schema.
--
-- A helper argument left null leaves the column to its table default, so a fixture states only
-- what its test is about:
--   select meta_sync_tests.create_account_with_job('act_920045', p_job_id => 924500,
--     p_date_since => '2030-01-01', p_date_until => '2030-01-21', p_total_chunks => 3);
begin;
select plan(1);
set local client_min_messages = warning;

drop schema if exists meta_sync_tests cascade;
create schema meta_sync_tests;
comment on schema meta_sync_tests is
  'pgTAP fixtures of meta-sync (created by supabase/tests/000_setup, never by a migration).';
revoke all on schema meta_sync_tests from public;

create sequence meta_sync_tests.account_numbers start 9900000001;
comment on sequence meta_sync_tests.account_numbers is 'Numbers of the ad accounts created without an id.';

-- Inserts one row of p_table from p_values (column name -> value; null values are left out, so
-- those columns take their table default) and returns the new row's id as text.
create function meta_sync_tests.insert_row(p_table regclass, p_values jsonb)
returns text
language plpgsql
as $$
declare
  v_values  jsonb := jsonb_strip_nulls(p_values);
  v_columns text;
  v_id      text;
begin
  select string_agg(format('%I', key), ', ' order by key) into v_columns
  from jsonb_object_keys(v_values) key;
  execute format(
    'insert into %1$s (%2$s) overriding system value select %2$s from jsonb_populate_record(null::%1$s, $1) returning id::text',
    p_table, v_columns) using v_values into v_id;
  return v_id;
end;
$$;
comment on function meta_sync_tests.insert_row(regclass, jsonb) is
  'Inserts a row from a column -> value object, leaving null values to the table defaults; returns the id.';

create function meta_sync_tests.create_organization(
  p_id   uuid default null,
  p_name text default 'test organization'
)
returns uuid
language sql
as $$
  select meta_sync_tests.insert_row('meta_sync.organizations',
    jsonb_build_object('id', p_id, 'name', p_name))::uuid;
$$;
comment on function meta_sync_tests.create_organization(uuid, text) is
  'Creates an organisation and returns its id.';

create function meta_sync_tests.add_member(
  p_organization_id uuid,
  p_user_id         uuid,
  p_role            text default 'member'
)
returns uuid
language sql
as $$
  insert into meta_sync.organization_members (organization_id, user_id, role)
  values (p_organization_id, p_user_id, p_role)
  returning user_id;
$$;
comment on function meta_sync_tests.add_member(uuid, uuid, text) is
  'Makes a user (auth.uid()) a member (member, admin or owner) of an organisation.';

create function meta_sync_tests.create_connection(
  p_organization_id  uuid default null,
  p_id               uuid default null,
  p_status           meta_sync.connection_status default null,
  p_label            text default null,
  p_token_ciphertext bytea default '\x00',
  p_token_key_id     text default 'k1',
  p_expires_at       timestamptz default null
)
returns uuid
language sql
as $$
  select meta_sync_tests.insert_row('meta_sync.meta_connections', jsonb_build_object(
    'id', p_id,
    'organization_id', coalesce(p_organization_id, meta_sync_tests.create_organization()),
    'status', p_status, 'label', p_label, 'token_ciphertext', p_token_ciphertext,
    'token_key_id', p_token_key_id, 'expires_at', p_expires_at))::uuid;
$$;
comment on function meta_sync_tests.create_connection(uuid, uuid, meta_sync.connection_status, text, bytea, text, timestamptz) is
  'Creates a Meta connection (a placeholder ciphertext) of an organisation (a new one when none is given); returns its id.';

-- The organisation and connection of a new account: the connection's organisation, else the
-- given one, else a new one; the given connection, else the organisation's default connection
-- (created when missing), or none without p_with_connection.
create function meta_sync_tests.account_owner(
  p_organization_id   uuid,
  p_connection_id     uuid,
  p_with_connection   boolean,
  p_connection_status meta_sync.connection_status,
  out organization_id uuid,
  out connection_id   uuid
)
language plpgsql
as $$
begin
  connection_id := p_connection_id;
  organization_id := coalesce(
    p_organization_id,
    (select c.organization_id from meta_sync.meta_connections c where c.id = p_connection_id),
    meta_sync_tests.create_organization());
  if connection_id is null and p_with_connection then
    select c.id into connection_id from meta_sync.meta_connections c
    where c.organization_id = account_owner.organization_id and c.label = 'default';
    if connection_id is null then
      connection_id := meta_sync_tests.create_connection(
        account_owner.organization_id, p_status => p_connection_status);
    end if;
  end if;
end;
$$;
comment on function meta_sync_tests.account_owner(uuid, uuid, boolean, meta_sync.connection_status) is
  'The organisation and connection a new test account belongs to (created when missing).';

create function meta_sync_tests.create_account(
  p_id                       text default null,
  p_organization_id          uuid default null,
  p_connection_id            uuid default null,
  p_with_connection          boolean default true,
  p_connection_status        meta_sync.connection_status default null,
  p_name                     text default null,
  p_meta_sync_priority       meta_sync.sync_tier default null,
  p_timezone_name            text default null,
  p_created_time             timestamptz default null,
  p_paused                   boolean default null,
  p_next_sync_at             timestamptz default null,
  p_last_meta_sync_at        timestamptz default null,
  p_last_settle_at           timestamptz default null,
  p_rate_limit_backoff_until timestamptz default null,
  p_phase_1_completed_at     timestamptz default null,
  p_phase_2_completed_at     timestamptz default null
)
returns text
language plpgsql
as $$
declare
  v_owner record;
begin
  v_owner := meta_sync_tests.account_owner(
    p_organization_id, p_connection_id, p_with_connection, p_connection_status);
  return meta_sync_tests.insert_row('meta_sync.meta_ad_accounts', jsonb_build_object(
    'id', coalesce(p_id, 'act_' || nextval('meta_sync_tests.account_numbers')),
    'organization_id', v_owner.organization_id, 'connection_id', v_owner.connection_id,
    'name', p_name, 'meta_sync_priority', p_meta_sync_priority, 'timezone_name', p_timezone_name,
    'created_time', p_created_time, 'paused', p_paused, 'next_sync_at', p_next_sync_at,
    'last_meta_sync_at', p_last_meta_sync_at, 'last_settle_at', p_last_settle_at,
    'rate_limit_backoff_until', p_rate_limit_backoff_until,
    'phase_1_completed_at', p_phase_1_completed_at,
    'phase_2_completed_at', p_phase_2_completed_at));
end;
$$;
comment on function meta_sync_tests.create_account is
  'Creates an ad account (act_<next number> when no id is given) with its organisation and active connection unless given (p_with_connection => false: none); returns its id.';

-- The sync type that goes with a phase.
create function meta_sync_tests.sync_type_of(p_phase meta_sync.sync_phase)
returns meta_sync.sync_type
language sql
immutable
as $$
  select case
    when p_phase in ('recent_window', 'historical_backfill') then 'initial'
    when p_phase in ('incremental', 'settle') then 'incremental'
    else 'manual'
  end::meta_sync.sync_type;
$$;
comment on function meta_sync_tests.sync_type_of(meta_sync.sync_phase) is
  'initial for the onboarding phases, incremental for schedule and settle, manual otherwise.';

create function meta_sync_tests.create_job(
  p_account_id           text,
  p_id                   bigint default null,
  p_sync_phase           meta_sync.sync_phase default 'manual',
  p_sync_type            meta_sync.sync_type default null,
  p_status               meta_sync.job_status default null,
  p_date_since           date default null,
  p_date_until           date default null,
  p_total_chunks         integer default null,
  p_completed_chunks     integer default null,
  p_failed_chunks        integer default null,
  p_insight_rows_written bigint default null,
  p_api_calls            integer default null,
  p_created_at           timestamptz default null,
  p_started_at           timestamptz default null,
  p_completed_at         timestamptz default null
)
returns bigint
language sql
as $$
  select meta_sync_tests.insert_row('meta_sync.sync_jobs', jsonb_build_object(
    'id', p_id, 'account_id', p_account_id,
    'organization_id', (select a.organization_id from meta_sync.meta_ad_accounts a where a.id = p_account_id),
    'sync_phase', p_sync_phase,
    'sync_type', coalesce(p_sync_type, meta_sync_tests.sync_type_of(p_sync_phase)),
    'status', p_status, 'date_since', p_date_since, 'date_until', p_date_until,
    'total_chunks', p_total_chunks, 'completed_chunks', p_completed_chunks,
    'failed_chunks', p_failed_chunks, 'insight_rows_written', p_insight_rows_written,
    'api_calls', p_api_calls, 'created_at', p_created_at, 'started_at', p_started_at,
    'completed_at', p_completed_at))::bigint;
$$;
comment on function meta_sync_tests.create_job is
  'Creates a sync job of an account (manual by default; the type follows the phase); returns its id.';

create function meta_sync_tests.create_chunk(
  p_job_id              bigint,
  p_id                  bigint default null,
  p_chunk_type          meta_sync.chunk_type default 'insights',
  p_date_since          date default null,
  p_date_until          date default null,
  p_depends_on_chunk_id bigint default null,
  p_chunk_order         integer default null,
  p_priority            integer default null,
  p_run_after           timestamptz default null,
  p_max_retries         integer default null,
  p_status              meta_sync.chunk_status default null,
  p_locked_by           text default null,
  p_locked_until        timestamptz default null,
  p_lease_token         uuid default null
)
returns bigint
language sql
as $$
  select meta_sync_tests.insert_row('meta_sync.sync_job_chunks', jsonb_build_object(
    'id', p_id, 'job_id', p_job_id,
    'account_id', (select j.account_id from meta_sync.sync_jobs j where j.id = p_job_id),
    'chunk_type', p_chunk_type, 'date_since', p_date_since, 'date_until', p_date_until,
    'depends_on_chunk_id', p_depends_on_chunk_id, 'chunk_order', p_chunk_order,
    'priority', p_priority, 'run_after', p_run_after, 'max_retries', p_max_retries,
    'status', p_status, 'locked_by', p_locked_by, 'locked_until', p_locked_until,
    'lease_token', p_lease_token))::bigint;
$$;
comment on function meta_sync_tests.create_chunk is
  'Creates a chunk of a job (insights by default; the account is the job''s); returns its id.';

create function meta_sync_tests.create_account_with_job(
  p_account_id               text default null,
  p_organization_id          uuid default null,
  p_connection_id            uuid default null,
  p_with_connection          boolean default true,
  p_connection_status        meta_sync.connection_status default null,
  p_meta_sync_priority       meta_sync.sync_tier default null,
  p_timezone_name            text default null,
  p_paused                   boolean default null,
  p_rate_limit_backoff_until timestamptz default null,
  p_job_id                   bigint default null,
  p_sync_phase               meta_sync.sync_phase default 'manual',
  p_sync_type                meta_sync.sync_type default null,
  p_job_status               meta_sync.job_status default null,
  p_date_since               date default null,
  p_date_until               date default null,
  p_total_chunks             integer default null,
  p_job_created_at           timestamptz default null
)
returns bigint
language sql
as $$
  select meta_sync_tests.create_job(
    meta_sync_tests.create_account(
      p_account_id, p_organization_id, p_connection_id, p_with_connection,
      p_connection_status => p_connection_status, p_meta_sync_priority => p_meta_sync_priority,
      p_timezone_name => p_timezone_name, p_paused => p_paused,
      p_rate_limit_backoff_until => p_rate_limit_backoff_until),
    p_job_id, p_sync_phase, p_sync_type, p_job_status, p_date_since, p_date_until,
    p_total_chunks, p_created_at => p_job_created_at);
$$;
comment on function meta_sync_tests.create_account_with_job is
  'One call for the usual fixture: an organisation, an active connection, an ad account and a sync job (manual, pending by default); returns the job id.';

select has_function('meta_sync_tests', 'create_account_with_job', 'the pgTAP fixture helpers exist');
select * from finish();
commit;
