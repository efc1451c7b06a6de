"""Apply the packaged migrations in version order, each in its own transaction.

What was applied is recorded in ``supabase_migrations.schema_migrations``: the Supabase CLI's
own table and columns (``version``, ``name``, ``statements``), plus ``checksum``, the sha256 of
the file's text, so `metasync db migrate`, `supabase db push` and `supabase migration list`
agree about what is there. A session advisory lock serialises concurrent runs: the second
waits, then finds nothing left to do.

Before changing anything the history is checked, and the run is refused, with nothing changed,
when an applied migration's text differs from the packaged file (history was edited), when the
database holds a migration the package does not know (it was migrated by a newer release), or
when the package holds no migrations at all (a broken install). A row the Supabase CLI wrote
has no checksum: it counts as applied, and ``db status`` reports it as unverified.

On plain PostgreSQL the compat script first creates what Supabase already has (roles anon,
authenticated and service_role, ``auth.uid()``), only where it is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg

from metasync import schema
from metasync.db import migrations as history
from metasync.schema import Migration


class MigrationError(RuntimeError):
    """A migration failed to apply (nothing of it was kept)."""


class MigrationRefused(MigrationError):
    """The history does not match the package: nothing was changed."""


@dataclass(frozen=True)
class AppliedMigration:
    version: str
    name: str
    checksum: str | None


@dataclass(frozen=True)
class MigrationReport:
    """How a database's history compares with the package's migrations."""

    applied: list[Migration] = field(default_factory=list)
    pending: list[Migration] = field(default_factory=list)
    changed: list[Migration] = field(default_factory=list)
    unverified: list[Migration] = field(default_factory=list)
    unknown: list[AppliedMigration] = field(default_factory=list)

    def refusal(self) -> str | None:
        """One line saying why migrating must not go on, or None when it may."""
        if self.changed:
            names = ", ".join(m.file_name for m in self.changed)
            return (
                f"applied migration(s) changed since they ran: {names}; released migrations are"
                " never edited (add a new migration instead)"
            )
        if self.unknown:
            names = ", ".join(f"{m.version}_{m.name}" for m in self.unknown)
            return (
                f"the database holds migration(s) this package does not know: {names};"
                " it was migrated by a newer release of meta-sync (upgrade the package)"
            )
        return None


def inspect(url: str, available: Sequence[Migration] | None = None) -> MigrationReport:
    """Compare the database's history with the package (or ``available``); changes nothing."""
    with psycopg.connect(url, autocommit=True) as conn:
        return _compare(_read_history(conn), _available(available))


def migrate(
    url: str, available: Sequence[Migration] | None = None, *, target: str | None = None
) -> list[Migration]:
    """Apply what is pending (up to ``target`` when given); return what this call applied."""
    migrations = _available(available)
    if target is not None and target not in {m.version for m in migrations}:
        raise MigrationRefused(f"no migration has version {target}")
    with psycopg.connect(url, autocommit=True) as conn:
        history.lock(conn)
        try:
            report = _compare(_read_history(conn), migrations)
            refusal = report.refusal()
            if refusal is not None:
                raise MigrationRefused(refusal)
            pending = [m for m in report.pending if target is None or m.version <= target]
            if pending:
                _apply_compat(conn)
                _ensure_history_table(conn)
            for migration in pending:
                _apply(conn, migration)
            return pending
        finally:
            history.unlock(conn)


def _available(available: Sequence[Migration] | None) -> list[Migration]:
    migrations = list(schema.migrations() if available is None else available)
    if not migrations:
        raise MigrationRefused(
            "this installation of meta-sync holds no migrations (a broken package: reinstall it)"
        )
    return migrations


def _compare(history: list[AppliedMigration], migrations: list[Migration]) -> MigrationReport:
    recorded = {row.version: row for row in history}
    report = MigrationReport()
    for migration in migrations:
        row = recorded.get(migration.version)
        if row is None:
            report.pending.append(migration)
        elif row.checksum is None:
            report.unverified.append(migration)
        elif row.checksum != migration.checksum:
            report.changed.append(migration)
        else:
            report.applied.append(migration)
    known = {m.version for m in migrations}
    report.unknown.extend(row for row in history if row.version not in known)
    return report


def _read_history(conn: psycopg.Connection) -> list[AppliedMigration]:
    return [AppliedMigration(*row) for row in history.history(conn)]


def _apply_compat(conn: psycopg.Connection) -> None:
    with conn.transaction():
        history.run_script(conn, schema.compat_sql())


def _ensure_history_table(conn: psycopg.Connection) -> None:
    history.ensure_history_table(conn)


def _apply(conn: psycopg.Connection, migration: Migration) -> None:
    try:
        with conn.transaction():
            history.run_script(conn, migration.text)
            history.record(
                conn, migration.version, migration.name, migration.text, migration.checksum
            )
    except psycopg.Error as exc:
        raise MigrationError(
            f"{migration.file_name} failed and was rolled back: {exc}".splitlines()[0]
        ) from exc
