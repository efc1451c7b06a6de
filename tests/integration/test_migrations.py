"""The migrations: ordered, recorded, harmless when repeated or run concurrently."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from metasync.postgres.embedded import EmbeddedPostgres
from metasync.postgres.migrate import SQL_DIR, MigrationError, applied_versions, discover, migrate

REPO = Path(__file__).resolve().parents[2]


def _schema_snapshot(url: str) -> list[tuple[str, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            """select c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
               from pg_attribute a join pg_class c on c.oid = a.attrelid
               join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'meta_sync' and a.attnum > 0 and not a.attisdropped
               union all
               select p.proname, pg_get_function_identity_arguments(p.oid), ''
               from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'meta_sync'
               order by 1, 2"""
        ).fetchall()


def test_migrate_twice_does_no_harm(database_url: str) -> None:
    before = _schema_snapshot(database_url)
    assert migrate(database_url) == []
    assert _schema_snapshot(database_url) == before
    assert applied_versions(database_url) == [m.version for m in discover()]


def test_two_concurrent_migrations_apply_each_file_once(pg_cluster: EmbeddedPostgres) -> None:
    with psycopg.connect(pg_cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute("create database concurrent_migrate")
    url = pg_cluster.url_for("concurrent_migrate")
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(len(migrate(url)))
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, len(discover())]


def test_failed_migration_is_rolled_back_whole(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "0001_good.sql").write_text("create table meta_sync.scratch_ok (id int);")
    (tmp_path / "0002_bad.sql").write_text(
        "create table meta_sync.scratch_half (id int); select 1/0;"
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("delete from supabase_migrations.schema_migrations")
    with pytest.raises(MigrationError, match=r"0002_bad\.sql failed"):
        migrate(database_url, sql_dir=tmp_path)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('meta_sync.scratch_ok')").fetchone() == (
            "meta_sync.scratch_ok",
        )
        assert conn.execute("select to_regclass('meta_sync.scratch_half')").fetchone() == (None,)


def test_misnamed_migration_is_refused(tmp_path: Path) -> None:
    (tmp_path / "create_things.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match=r"named <digits>_<name>\.sql"):
        discover(tmp_path)


def test_supabase_migrations_are_the_sql_files() -> None:
    """One source of truth: every sql/ migration is linked, not copied, into supabase/."""
    linked = REPO / "supabase" / "migrations"
    for migration in discover(SQL_DIR):
        link = linked / migration.path.name
        assert link.is_symlink(), f"{link} must be a symlink to sql/{migration.path.name}"
        assert link.resolve() == migration.path.resolve()
