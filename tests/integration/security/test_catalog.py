"""Catalog checks of tenant security over every object of schema meta_sync.

Each check is a query that lists offenders; the suite asserts the list is empty on the migrated
schema, and each query is also shown to catch a deliberately broken object (so no check can
pass by looking at nothing).
"""

from __future__ import annotations

import json

import psycopg
import pytest

# Security definer functions meant for signed-in users (the RLS helpers and the admin-checked
# half of the tier change, all in meta_sync_private); every other security definer function is
# executable by no client role.
FOR_AUTHENTICATED = {"is_org_member", "is_org_admin", "is_sync_topic_member", "set_sync_priority"}
CLIENT_ROLES = ("public", "anon", "authenticated")

DEFINER_WITHOUT_EMPTY_SEARCH_PATH = """
    select p.oid::regprocedure::text
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('meta_sync', 'meta_sync_private') and p.prosecdef
      and not coalesce('search_path=""' = any (p.proconfig), false)
    order by 1"""

DEFINER_EXECUTABLE_BY_CLIENTS = """
    select p.proname, p.oid::regprocedure::text, acl.grantee
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    cross join lateral (
        select case when a.grantee = 0 then 'public' else a.grantee::regrole::text end as grantee
        from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        where a.privilege_type = 'EXECUTE') acl
    where n.nspname in ('meta_sync', 'meta_sync_private') and p.prosecdef
      and acl.grantee in ('public', 'anon', 'authenticated')
    order by 2, 3"""

VIEWS_NOT_SECURITY_INVOKER = """
    select c.oid::regclass::text
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind = 'v'
      and not coalesce('security_invoker=true' = any (c.reloptions), false)
    order by 1"""

TABLES_WITHOUT_RLS = """
    select c.oid::regclass::text
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind in ('r', 'p') and not c.relrowsecurity
    order by 1"""

UNINDEXED_FOREIGN_KEYS = """
    select con.conrelid::regclass::text || ' ' || con.conname
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and con.contype = 'f'
      and not exists (
        select 1 from pg_index i
        where i.indrelid = con.conrelid and i.indpred is null
          and (select array_agg(x order by x)
               from unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) x)
            = (select array_agg(x order by x) from unnest(con.conkey) x))
    order by 1"""

FUNCTIONS_EXECUTABLE_BY_ANON = """
    select p.oid::regprocedure::text
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('meta_sync', 'meta_sync_private')
      and has_function_privilege('anon', p.oid, 'EXECUTE')
    order by 1"""

RELATIONS_READABLE_BY_ANON = """
    select c.oid::regclass::text
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind in ('r', 'p', 'v', 'm')
      and (has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
           or has_any_column_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE'))
    order by 1"""

SECRET_COLUMNS_READABLE_BY_MEMBERS = """
    select c.relname || '.' || a.attname
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and c.relkind in ('r', 'p', 'v', 'm')
      and a.attnum > 0 and not a.attisdropped
      and (a.attname ~ '(ciphertext|secret|nonce|token_key)' or a.atttypid = 'bytea'::regtype)
      and has_column_privilege('authenticated', c.oid, a.attnum, 'SELECT')
    order by 1"""

# A read policy for signed-in users on a table they may not read: members were meant to see
# rows and see an error instead (as webhook_events once had).
MEMBER_POLICIES_WITHOUT_GRANT = """
    select c.oid::regclass::text || ' ' || p.polname
    from pg_policy p
    join pg_class c on c.oid = p.polrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'meta_sync' and p.polcmd in ('r', '*')
      and 'authenticated'::regrole = any (p.polroles)
      and not has_any_column_privilege('authenticated', c.oid, 'SELECT')
    order by 1"""


def _rows(conn: psycopg.Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.execute(sql).fetchall()


def test_security_definer_functions_have_an_empty_search_path(conn: psycopg.Connection) -> None:
    definers = conn.execute(
        "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname in ('meta_sync', 'meta_sync_private') and p.prosecdef"
    ).fetchone()
    assert definers is not None and definers[0] >= 4  # the checks below look at something
    assert _rows(conn, DEFINER_WITHOUT_EMPTY_SEARCH_PATH) == []


def test_security_definer_functions_are_not_executable_by_clients(conn: psycopg.Connection) -> None:
    offenders = [
        row
        for row in _rows(conn, DEFINER_EXECUTABLE_BY_CLIENTS)
        if not (row[0] in FOR_AUTHENTICATED and row[2] == "authenticated")
    ]
    assert offenders == []


def test_the_allowed_functions_are_executable_by_signed_in_users(conn: psycopg.Connection) -> None:
    for name in FOR_AUTHENTICATED:
        row = conn.execute(
            "select bool_and(has_function_privilege('authenticated', p.oid, 'EXECUTE'))"
            " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname in ('meta_sync', 'meta_sync_private') and p.proname = %s",
            (name,),
        ).fetchone()
        assert row == (True,), name


def test_every_view_is_security_invoker(conn: psycopg.Connection) -> None:
    assert _rows(conn, VIEWS_NOT_SECURITY_INVOKER) == []


def test_rls_is_enabled_on_every_table(conn: psycopg.Connection) -> None:
    assert _rows(conn, TABLES_WITHOUT_RLS) == []


def test_every_foreign_key_has_an_index(conn: psycopg.Connection) -> None:
    assert _rows(conn, UNINDEXED_FOREIGN_KEYS) == []


def test_no_function_is_executable_by_anon(conn: psycopg.Connection) -> None:
    assert _rows(conn, FUNCTIONS_EXECUTABLE_BY_ANON) == []


def test_anon_has_no_privilege_on_any_relation_nor_the_schema(conn: psycopg.Connection) -> None:
    assert _rows(conn, RELATIONS_READABLE_BY_ANON) == []
    assert conn.execute("select has_schema_privilege('anon', 'meta_sync', 'USAGE')").fetchone() == (
        False,
    )


def test_every_member_read_policy_has_a_select_grant(conn: psycopg.Connection) -> None:
    assert _rows(conn, MEMBER_POLICIES_WITHOUT_GRANT) == []
    assert conn.execute(
        "select has_table_privilege('authenticated', 'meta_sync.webhook_events', 'SELECT'),"
        " has_table_privilege('authenticated', 'meta_sync.webhook_events',"
        " 'INSERT, UPDATE, DELETE')"
    ).fetchone() == (True, False)


def test_members_never_read_token_ciphertext(conn: psycopg.Connection) -> None:
    assert _rows(conn, SECRET_COLUMNS_READABLE_BY_MEMBERS) == []
    # ... while the worker does, and members read the rest of the connection.
    assert conn.execute(
        "select has_column_privilege('meta_sync_worker', 'meta_sync.meta_connections',"
        " 'token_ciphertext', 'SELECT'), has_column_privilege('authenticated',"
        " 'meta_sync.meta_connections', 'status', 'SELECT')"
    ).fetchone() == (True, True)


def test_the_worker_role_cannot_log_in_nor_change_tenants(conn: psycopg.Connection) -> None:
    assert conn.execute(
        "select rolcanlogin, rolbypassrls, rolsuper from pg_roles"
        " where rolname = 'meta_sync_worker'"
    ).fetchone() == (False, False, False)
    writes = "INSERT, UPDATE, DELETE"
    assert conn.execute(
        "select has_table_privilege('meta_sync_worker', 'meta_sync.organizations', %s),"
        " has_table_privilege('meta_sync_worker', 'meta_sync.organization_members', %s),"
        " has_table_privilege('meta_sync_worker', 'meta_sync.sync_jobs', 'DELETE')",
        (writes, writes),
    ).fetchone() == (False, False, False)


@pytest.mark.parametrize(
    ("broken_object", "check"),
    [
        (
            "create function meta_sync.bad_definer() returns int language sql security definer"
            " as 'select 1'",
            DEFINER_WITHOUT_EMPTY_SEARCH_PATH,
        ),
        (
            "create function meta_sync.bad_definer() returns int language sql security definer"
            " set search_path = '' as 'select 1'",
            DEFINER_EXECUTABLE_BY_CLIENTS,
        ),
        ("create view meta_sync.bad_view as select 1 as one", VIEWS_NOT_SECURITY_INVOKER),
        ("create table meta_sync.bad_table (id int)", TABLES_WITHOUT_RLS),
        (
            "create table meta_sync.bad_child (job_id bigint references meta_sync.sync_jobs (id))",
            UNINDEXED_FOREIGN_KEYS,
        ),
        (
            "create function meta_sync.bad_function() returns int language sql as 'select 1';"
            " grant usage on schema meta_sync to anon",
            FUNCTIONS_EXECUTABLE_BY_ANON,
        ),
        (
            "create table meta_sync.bad_open (id int); grant usage on schema meta_sync to anon;"
            " grant select on meta_sync.bad_open to anon",
            RELATIONS_READABLE_BY_ANON,
        ),
        (
            "create table meta_sync.bad_policy (id int);"
            " create policy members_read on meta_sync.bad_policy for select to authenticated"
            " using (true)",
            MEMBER_POLICIES_WITHOUT_GRANT,
        ),
        (
            "create table meta_sync.bad_secret (app_secret text);"
            " grant select on meta_sync.bad_secret to authenticated",
            SECRET_COLUMNS_READABLE_BY_MEMBERS,
        ),
    ],
)
def test_each_check_catches_a_broken_object(
    conn: psycopg.Connection, broken_object: str, check: str
) -> None:
    before = _rows(conn, check)
    conn.execute(broken_object)
    assert len(_rows(conn, check)) > len(before)


def test_secure_schema_covers_objects_added_later(conn: psycopg.Connection) -> None:
    """A later migration that adds objects ends with secure_schema() and is covered too."""
    conn.execute(
        "create table meta_sync.later_child (id int primary key,"
        " job_id bigint references meta_sync.sync_jobs (id));"
        " create view meta_sync.later_view as select id from meta_sync.later_child;"
        " create function meta_sync.later_definer() returns int language sql security definer"
        " set search_path = '' as 'select 1';"
        " select meta_sync.secure_schema()"
    )
    for check in (
        TABLES_WITHOUT_RLS,
        UNINDEXED_FOREIGN_KEYS,
        VIEWS_NOT_SECURITY_INVOKER,
        FUNCTIONS_EXECUTABLE_BY_ANON,
    ):
        assert _rows(conn, check) == []
    offenders = [
        row for row in _rows(conn, DEFINER_EXECUTABLE_BY_CLIENTS) if row[0] not in FOR_AUTHENTICATED
    ]
    assert offenders == []


# Supabase's Security Advisor (splinter, lints 0028/0029 and 0011): security-definer functions
# in an exposed schema that anon or authenticated may execute, and functions of an exposed
# schema without a fixed search_path. The same conditions, with meta_sync exposed as an API
# schema the way a project would expose it.
ADVISOR_FINDINGS = """
    with exposed as (
      select string_to_array(replace(current_setting('pgrst.db_schemas'), ' ', ''), ',') schemas)
    select p.oid::regprocedure::text, r.rolname
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    cross join exposed
    cross join (values ('anon'), ('authenticated')) r(rolname)
    where p.prosecdef and has_function_privilege(r.rolname, p.oid, 'EXECUTE')
      and n.nspname = any (exposed.schemas)
    union all
    select p.oid::regprocedure::text, 'search_path'
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    cross join exposed
    where n.nspname = any (exposed.schemas)
      and p.prokind = 'f'
      and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c
                      where c like 'search_path=%')
    order by 1, 2"""


def test_the_security_advisor_finds_nothing_with_meta_sync_exposed(
    conn: psycopg.Connection,
) -> None:
    conn.execute("set pgrst.db_schemas = 'public, graphql_public, meta_sync'")
    assert _rows(conn, ADVISOR_FINDINGS) == []
    # ... and the check sees what it is for: the helpers, were their schema exposed.
    conn.execute("set pgrst.db_schemas = 'meta_sync, meta_sync_private'")
    found = {row[0].split("(")[0] for row in _rows(conn, ADVISOR_FINDINGS)}
    assert {"meta_sync_private.is_org_member", "meta_sync_private.set_sync_priority"} <= found


def test_members_list_their_connections_with_select_star(conn: psycopg.Connection) -> None:
    org = "aaaaaaaa-0000-4000-8000-00000000c0de"
    other = "bbbbbbbb-0000-4000-8000-00000000c0de"
    user = "11111111-0000-4000-8000-00000000c0de"
    conn.execute(
        "insert into meta_sync.organizations (id, name) values (%s, 'A'), (%s, 'B')", (org, other)
    )
    conn.execute(
        "insert into meta_sync.organization_members (organization_id, user_id) values (%s, %s)",
        (org, user),
    )
    conn.execute(
        "insert into meta_sync.meta_connections (organization_id, token_ciphertext, token_key_id)"
        " values (%s, '\\x01', 'k1'), (%s, '\\x02', 'k1')",
        (org, other),
    )
    with conn.transaction():
        conn.execute("set local role authenticated")
        conn.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (json.dumps({"sub": user, "role": "authenticated"}),),
        )
        cur = conn.execute("select * from meta_sync.member_connections")
        rows = cur.fetchall()
        columns = [c.name for c in cur.description or []]
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("select * from meta_sync.meta_connections")
    assert len(rows) == 1 and str(rows[0][columns.index("organization_id")]) == org
    assert not {"token_ciphertext", "token_key_id"} & set(columns)
