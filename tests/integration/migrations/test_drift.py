"""The readable schema (``sql/``) and the migration history build the same database.

Both are built on a cluster that has pg_cron (each in pg_cron's own database, so the cron jobs
are created) and stand-ins for Supabase Realtime's objects (so the guarded Realtime parts run),
then compared as ``pg_dump --schema-only`` sees them: tables, columns, types, defaults,
constraints, indexes, functions with their bodies and settings, triggers, views, policies,
grants, comments and publications. pg_dump is PostgreSQL's own serialiser of the catalog, so
nothing it knows can drift unnoticed; the cron jobs (rows of ``cron.job``, not schema) are
compared beside it.
"""

from __future__ import annotations

import difflib
import re
import subprocess

import psycopg

from metasync import schema
from metasync.postgres.embedded import EmbeddedPostgres, find_bindir
from metasync.postgres.migrate import migrate

# What Supabase Realtime has in every project, reduced to the shape meta-sync's SQL uses.
REALTIME_STAND_IN = """
create schema realtime;
create table realtime.messages (
  id bigint generated always as identity primary key, topic text not null,
  extension text not null, event text, payload jsonb, private boolean default true);
alter table realtime.messages enable row level security;
create function realtime.topic() returns text language sql stable
  as $$ select nullif(current_setting('realtime.topic', true), '') $$;
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
  returns void language sql as $$ select null::void $$;
create publication supabase_realtime;
"""

# Lines that differ between two dumps of equal catalogs: versions, session settings, and the
# random key of pg_dump's \restrict guard.
_NOISE = re.compile(
    r"^(-- Dumped (from|by) .*|SET .*|SELECT pg_catalog\.set_config.*|\\(un)?restrict .*)$"
)


def _build_from_schema_files(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute(schema.compat_sql())
        for name, text in schema.schema_files():
            try:
                with conn.transaction():
                    conn.execute(text)
            except psycopg.Error as exc:  # pragma: no cover - the message names the file
                raise AssertionError(f"sql/{name} failed: {exc}") from exc


def _prepare(cluster: EmbeddedPostgres) -> str:
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(REALTIME_STAND_IN)
    return cluster.url


def _schema_dump(url: str) -> list[str]:
    dump = subprocess.run(
        [
            str(find_bindir() / "pg_dump"),
            "--schema-only",
            "--exclude-schema=supabase_migrations",
            "--dbname",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in dump.splitlines() if not _NOISE.match(line)]


def _cron_jobs(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select jobname, schedule, command, username, active from cron.job order by jobname"
        ).fetchall()
    return [" | ".join(str(value) for value in row) for row in rows]


def _difference(left: list[str], right: list[str]) -> str:
    return "\n".join(
        difflib.unified_diff(left, right, "built from sql/", "built from migrations", lineterm="")
    )


def test_the_schema_files_and_the_migrations_build_the_same_database(
    own_cluster: EmbeddedPostgres, second_own_cluster: EmbeddedPostgres
) -> None:
    from_files = _prepare(own_cluster)
    _build_from_schema_files(from_files)
    from_migrations = _prepare(second_own_cluster)
    migrate(from_migrations)

    files_dump, migrations_dump = _schema_dump(from_files), _schema_dump(from_migrations)
    assert any("CREATE PUBLICATION supabase_realtime" in line for line in files_dump)
    assert any("ALTER PUBLICATION supabase_realtime ADD TABLE" in line for line in files_dump)
    assert files_dump == migrations_dump, _difference(files_dump, migrations_dump)

    files_cron, migrations_cron = _cron_jobs(from_files), _cron_jobs(from_migrations)
    assert len(files_cron) >= 4
    assert files_cron == migrations_cron, _difference(files_cron, migrations_cron)


def test_the_comparison_sees_a_changed_function_body(own_cluster: EmbeddedPostgres) -> None:
    """The drift check is not blind: one edited function body is a readable difference."""
    url = _prepare(own_cluster)
    migrate(url)
    before = _schema_dump(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "create or replace function meta_sync.account_today(p_timezone_name text,"
            " p_now timestamptz default now()) returns date language sql stable parallel safe"
            " set search_path = '' as $$ select (p_now at time zone p_timezone_name)::date + 0 $$"
        )
    difference = _difference(before, _schema_dump(url))
    assert "+    AS $$ select (p_now at time zone p_timezone_name)::date + 0 $$;" in difference
