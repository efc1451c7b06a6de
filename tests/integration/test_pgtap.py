"""Runs the pgTAP suite (supabase/tests, one behaviour per file) with pg_prove, a test per file,
on two databases: plain PostgreSQL (the session cluster's pg_cron database) and one that has
Supabase Realtime's own ``realtime`` schema, installed before the migrations as on a Supabase
project (fixture ``realtime_database_url``, ``tests/support/supabase_realtime.py``). The tests
create stand-ins only where a real object is missing.

The fixture helpers (schema ``meta_sync_tests``, supabase/tests/000_setup) are loaded once
into each database before any file, so a single file can be run on its own (``-k``);
``supabase test db`` runs the setup file first by its name.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

PGTAP_DIR = Path(__file__).resolve().parents[2] / "supabase" / "tests"
SETUP_FILES = sorted((PGTAP_DIR / "000_setup").glob("*.sql"))
PGTAP_FILES = sorted(PGTAP_DIR.rglob("*.sql"))
FLAVOURS = ("plain", "realtime")


def _pg_prove(database_url: str, pgtap_file: Path) -> None:
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove not found: install libtap-parser-sourcehandler-pgtap-perl"
    result = subprocess.run(
        [pg_prove, "--verbose", "-d", database_url, str(pgtap_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _with_helpers(database_url: str) -> str:
    for setup_file in SETUP_FILES:
        _pg_prove(database_url, setup_file)
    return database_url


@pytest.fixture(scope="session")
def pgtap_database_url(cron_database_url: str) -> str:
    """The cron database with the pgTAP fixture helpers loaded."""
    return _with_helpers(cron_database_url)


@pytest.fixture(scope="session")
def pgtap_realtime_database_url(realtime_database_url: str) -> str:
    """The database with Supabase Realtime's schema, with the pgTAP fixture helpers loaded."""
    return _with_helpers(realtime_database_url)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "pgtap_file", PGTAP_FILES, ids=[str(p.relative_to(PGTAP_DIR)) for p in PGTAP_FILES]
)
def test_pgtap_file(pgtap_file: Path, flavour: str, request: pytest.FixtureRequest) -> None:
    fixture = "pgtap_database_url" if flavour == "plain" else "pgtap_realtime_database_url"
    _pg_prove(request.getfixturevalue(fixture), pgtap_file)


def test_the_realtime_database_has_supabase_realtime(realtime_database_url: str) -> None:
    """The second flavour really is what it claims: Realtime's objects, meta-sync's policy."""
    with psycopg.connect(realtime_database_url) as conn:
        row = conn.execute(
            "select to_regprocedure('realtime.send(jsonb,text,text,boolean)') is not null,"
            " (select relkind from pg_class where oid = 'realtime.messages'::regclass),"
            " exists (select 1 from pg_policy where polrelid = 'realtime.messages'::regclass"
            "         and polname = 'meta_sync_members_receive_sync_progress'),"
            " exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime'"
            "         and schemaname = 'meta_sync' and tablename = 'sync_jobs')"
        ).fetchone()
    assert row == (True, "p", True, True)
