"""The SQL that ships inside the package, read with ``importlib.resources``.

- ``migrations/``: the append-only history, ``<UTC yyyymmddHHMMSS>_<name>.sql`` (the Supabase
  CLI's convention); what ``metasync db migrate`` and ``supabase db push`` apply.
- ``sql/``: the readable current schema, one object per numbered file; a test proves that a
  database built from it equals one built from the migrations.
- ``sql/compat/supabase_compat.sql``: what a Supabase database already has (roles,
  ``auth.uid()``), created on plain PostgreSQL before the migrations, only where missing.

In a checkout, ``migrations`` and ``sql`` are links to ``supabase/migrations`` and ``sql`` at the
top of the repository; a wheel carries the files themselves.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

_MIGRATION_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>[a-z0-9_]+)\.sql$")
_SCHEMA_FILE_NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")


class SchemaFilesError(RuntimeError):
    """The packaged SQL is misnamed or missing (a broken build, not a database problem)."""


@dataclass(frozen=True)
class Migration:
    """One migration file: its version (the UTC timestamp), name and text."""

    version: str
    name: str
    text: str

    @property
    def file_name(self) -> str:
        return f"{self.version}_{self.name}.sql"

    @property
    def checksum(self) -> str:
        """sha256 of the file's text: what ``db migrate`` records and later verifies."""
        return checksum(self.text)


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_root() -> Traversable:
    return files(__name__)


def migrations(directory: Traversable | None = None) -> list[Migration]:
    """Every migration, ordered by version. Misnamed files and duplicate versions are errors."""
    directory = directory or package_root() / "migrations"
    found = []
    for entry in sorted(_sql_files(directory), key=lambda e: e.name):
        match = _MIGRATION_NAME.match(entry.name)
        if match is None:
            raise SchemaFilesError(
                f"{entry.name}: migration files are named <yyyymmddHHMMSS>_<name>.sql"
            )
        found.append(Migration(match["version"], match["name"], entry.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise SchemaFilesError("two migrations share a version")
    return found


def schema_files(directory: Traversable | None = None) -> list[tuple[str, str]]:
    """The readable schema as ``(file name, text)`` pairs, in the order they apply."""
    directory = directory or package_root() / "sql"
    entries = sorted(_sql_files(directory), key=lambda e: e.name)
    for entry in entries:
        if not _SCHEMA_FILE_NAME.match(entry.name):
            raise SchemaFilesError(f"{entry.name}: schema files are named <nnnn>_<name>.sql")
    return [(entry.name, entry.read_text("utf-8")) for entry in entries]


def compat_sql() -> str:
    return (package_root() / "sql" / "compat" / "supabase_compat.sql").read_text("utf-8")


def _sql_files(directory: Traversable) -> list[Traversable]:
    if not directory.is_dir():
        return []
    return [entry for entry in directory.iterdir() if entry.name.endswith(".sql")]
