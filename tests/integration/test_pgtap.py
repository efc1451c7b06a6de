"""Runs the pgTAP suite (supabase/tests, one behaviour per file) with pg_prove, a test per file,
on two databases: plain PostgreSQL (the session cluster's pg_cron database) and one that has
Supabase Realtime's own ``realtime`` schema, installed before the migrations as on a Supabase
project (fixture ``realtime_database_url``, ``tests/supabase_realtime.py``). The tests create
stand-ins only where a real object is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

PGTAP_DIR = Path(__file__).resolve().parents[2] / "supabase" / "tests"
PGTAP_FILES = sorted(PGTAP_DIR.rglob("*.sql"))
FLAVOURS = ("plain", "realtime")


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "pgtap_file", PGTAP_FILES, ids=[str(p.relative_to(PGTAP_DIR)) for p in PGTAP_FILES]
)
def test_pgtap_file(pgtap_file: Path, flavour: str, request: pytest.FixtureRequest) -> None:
    fixture = "cron_database_url" if flavour == "plain" else "realtime_database_url"
    url = request.getfixturevalue(fixture)
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove not found: install libtap-parser-sourcehandler-pgtap-perl"
    result = subprocess.run(
        [pg_prove, "--verbose", "-d", url, str(pgtap_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


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
