"""The migration history table and the statements ``metasync db migrate`` runs (synchronous:
the migration runner is not async).

``supabase_migrations.schema_migrations`` keeps the Supabase CLI's own columns (``version``,
``name``, ``statements``) plus ``checksum``, the sha256 of the file's text.
"""

from __future__ import annotations

from typing import Any

import psycopg

HISTORY = "supabase_migrations.schema_migrations"
LOCK_KEY = 0x6D657461  # "meta": one lock for every migrate run on this database
SyncConn = psycopg.Connection[Any]


def lock(conn: SyncConn) -> None:
    """Wait for the session advisory lock that serialises migrate runs."""
    conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))


def unlock(conn: SyncConn) -> None:
    conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))


def history(conn: SyncConn) -> list[tuple[str, str, str | None]]:
    """``(version, name, checksum)`` of every recorded migration, by version; [] when the
    table does not exist; checksum None for rows without one (written by the Supabase CLI)."""
    exists = conn.execute("select to_regclass(%s) is not null", (HISTORY,)).fetchone()
    if not exists or not exists[0]:
        return []
    has_checksum = conn.execute(
        "select exists (select 1 from information_schema.columns where table_schema ="
        " 'supabase_migrations' and table_name = 'schema_migrations' and column_name = 'checksum')"
    ).fetchone()
    checksum = "checksum" if has_checksum and has_checksum[0] else "null::text"
    rows = conn.execute(
        f"select version, coalesce(name, ''), {checksum} from {HISTORY} order by version"
    ).fetchall()
    return [(str(v), str(n), c) for v, n, c in rows]


def run_script(conn: SyncConn, text: str) -> None:
    """A whole SQL script (a migration, the compat script), in the caller's transaction."""
    conn.execute(text)


def ensure_history_table(conn: SyncConn) -> None:
    """The history table with the Supabase CLI's columns and ``checksum``, created or completed."""
    with conn.transaction():
        conn.execute("create schema if not exists supabase_migrations")
        conn.execute(f"create table if not exists {HISTORY} (version text not null primary key)")
        conn.execute(f"alter table {HISTORY} add column if not exists statements text[]")
        conn.execute(f"alter table {HISTORY} add column if not exists name text")
        conn.execute(f"alter table {HISTORY} add column if not exists checksum text")


def record(conn: SyncConn, version: str, name: str, text: str, checksum: str) -> None:
    conn.execute(
        f"insert into {HISTORY} (version, name, statements, checksum) values (%s, %s, %s, %s)",
        (version, name, [text], checksum),
    )
