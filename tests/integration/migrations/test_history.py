"""The migration history: ordered, recorded with checksums, harmless when repeated or run
concurrently, and refused, with nothing changed, when it does not match the package."""

from __future__ import annotations

import dataclasses
import threading

import psycopg
import pytest

from metasync import schema
from metasync.postgres.migrate import MigrationError, MigrationRefused, inspect, migrate
from metasync.schema import Migration


def _history(url: str) -> list[tuple[str, str | None, str | None]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select version, name, checksum from supabase_migrations.schema_migrations"
            " order by version"
        ).fetchall()


def test_every_migration_is_recorded_with_its_checksum(database_url: str) -> None:
    assert _history(database_url) == [(m.version, m.name, m.checksum) for m in schema.migrations()]


def test_migrate_twice_does_no_harm(database_url: str) -> None:
    before = _history(database_url)
    assert migrate(database_url) == []
    assert _history(database_url) == before


def test_two_concurrent_migrations_apply_each_file_once(empty_database_url: str) -> None:
    url = empty_database_url
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
    assert sorted(results) == [0, len(schema.migrations())]


def test_a_changed_applied_migration_is_refused_and_nothing_changes(database_url: str) -> None:
    edited = [
        dataclasses.replace(m, text=m.text + "\n-- edited after release\n") if i == 0 else m
        for i, m in enumerate(schema.migrations())
    ]
    later = Migration("99991231235959", "later", "create table meta_sync.never_made (id int);")
    before = _history(database_url)
    with pytest.raises(MigrationRefused, match=r"changed since they ran: 2\d{13}_baseline\.sql"):
        migrate(database_url, [*edited, later])
    assert _history(database_url) == before
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('meta_sync.never_made')").fetchone() == (None,)
    assert inspect(database_url, edited).changed == edited[:1]


def test_a_migration_the_package_does_not_know_is_refused(database_url: str) -> None:
    """A database migrated by a newer release: this one must not touch it."""
    known = schema.migrations()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "insert into supabase_migrations.schema_migrations (version, name, statements)"
            " values ('99991231235959', 'from_the_future', '{}')"
        )
    before = _history(database_url)
    with pytest.raises(MigrationRefused, match=r"does not know: 99991231235959_from_the_future"):
        migrate(database_url, known)
    assert _history(database_url) == before


def test_a_package_without_migrations_is_refused(empty_database_url: str) -> None:
    url = empty_database_url
    with pytest.raises(MigrationRefused, match="holds no migrations"):
        migrate(url, [])
    with psycopg.connect(url) as conn:
        assert conn.execute("select to_regnamespace('supabase_migrations')").fetchone() == (None,)


def test_rows_written_by_the_supabase_cli_count_as_applied(database_url: str) -> None:
    """`supabase db push` records no checksum: the migration is applied, reported unverified."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("update supabase_migrations.schema_migrations set checksum = null")
    report = inspect(database_url)
    assert report.pending == [] and report.changed == []
    assert report.unverified == schema.migrations()
    assert migrate(database_url) == []


def test_a_failed_migration_is_rolled_back_whole(database_url: str) -> None:
    good = Migration("99991231235958", "good", "create table meta_sync.scratch_ok (id int);")
    bad = Migration(
        "99991231235959", "bad", "create table meta_sync.scratch_half (id int); select 1/0;"
    )
    with pytest.raises(MigrationError, match=r"99991231235959_bad\.sql failed"):
        migrate(database_url, [*schema.migrations(), good, bad])
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select to_regclass('meta_sync.scratch_ok')").fetchone() == (
            "meta_sync.scratch_ok",
        )
        assert conn.execute("select to_regclass('meta_sync.scratch_half')").fetchone() == (None,)
    assert [row[0] for row in _history(database_url)][-1] == "99991231235958"


def test_migrate_stops_at_the_target_version(empty_database_url: str) -> None:
    url = empty_database_url
    first = schema.migrations()[0]
    assert [m.version for m in migrate(url, target=first.version)] == [first.version]
    assert [row[0] for row in _history(url)] == [first.version]
    with pytest.raises(MigrationRefused, match="no migration has version 1999"):
        migrate(url, target="1999")
