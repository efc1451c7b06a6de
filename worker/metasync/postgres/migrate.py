"""Apply the SQL migrations in ``sql/`` in file-name order, each in its own transaction.

What was applied is recorded in ``supabase_migrations.schema_migrations`` (version, name,
statements): the same table the Supabase CLI keeps, so `metasync db migrate` and
`supabase db push` agree about what is already there. A session advisory lock makes two
concurrent runs safe: the second waits, then finds nothing left to do.

On plain Postgres, ``sql/compat/supabase_compat.sql`` first creates what Supabase already has
(roles anon / authenticated / service_role, ``auth.uid()``), only where it is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

SQL_DIR = Path(__file__).resolve().parents[3] / "sql"
_MIGRATION_NAME = re.compile(r"^(?P<version>\d+)_(?P<name>[a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x6D657461  # "meta": one lock for every migrate run on this database


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    def read(self) -> str:
        return self.path.read_text(encoding="utf-8")


class MigrationError(RuntimeError):
    """A migration file is misnamed or failed to apply (nothing of it was kept)."""


def discover(sql_dir: Path = SQL_DIR) -> list[Migration]:
    """Every migration of ``sql_dir``, ordered by version; misnamed .sql files are an error."""
    migrations = []
    for path in sorted(sql_dir.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named <digits>_<name>.sql")
        migrations.append(Migration(match["version"], match["name"], path))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a version in {sql_dir}")
    return migrations


def migrate(url: str, sql_dir: Path = SQL_DIR) -> list[Migration]:
    """Apply what is missing; return the migrations applied by this call (empty when current)."""
    migrations = discover(sql_dir)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            _apply_compat(conn, sql_dir / "compat" / "supabase_compat.sql")
            _ensure_history_table(conn)
            done = {
                row[0]
                for row in conn.execute("select version from supabase_migrations.schema_migrations")
            }
            pending = [m for m in migrations if m.version not in done]
            for migration in pending:
                _apply(conn, migration)
            return pending
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (_LOCK_KEY,))


def applied_versions(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select version from supabase_migrations.schema_migrations order by version"
        )
        return [row[0] for row in rows]


def _apply_compat(conn: psycopg.Connection, path: Path) -> None:
    if path.exists():
        with conn.transaction():
            conn.execute(path.read_text(encoding="utf-8"))


def _ensure_history_table(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("create schema if not exists supabase_migrations")
        conn.execute(
            "create table if not exists supabase_migrations.schema_migrations"
            " (version text primary key, statements text[], name text)"
        )


def _apply(conn: psycopg.Connection, migration: Migration) -> None:
    sql = migration.read()
    try:
        with conn.transaction():
            conn.execute(sql)
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, statements, name)"
                " values (%s, %s, %s)",
                (migration.version, [sql], migration.name),
            )
    except psycopg.Error as exc:
        raise MigrationError(f"{migration.path.name} failed and was rolled back: {exc}") from exc
