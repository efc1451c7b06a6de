"""Runs the pgTAP suite (supabase/tests, one behaviour per file) with pg_prove, a test per file.

The fixture helpers (schema ``meta_sync_tests``, supabase/tests/000_setup) are loaded once
before any file, so a single file can be run on its own (``-k``); ``supabase test db`` runs
the setup file first by its name.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PGTAP_DIR = Path(__file__).resolve().parents[2] / "supabase" / "tests"
SETUP_FILES = sorted((PGTAP_DIR / "000_setup").glob("*.sql"))
PGTAP_FILES = sorted(PGTAP_DIR.rglob("*.sql"))


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


@pytest.fixture(scope="session")
def pgtap_database_url(cron_database_url: str) -> str:
    """The cron database with the pgTAP fixture helpers loaded."""
    for setup_file in SETUP_FILES:
        _pg_prove(cron_database_url, setup_file)
    return cron_database_url


@pytest.mark.parametrize(
    "pgtap_file", PGTAP_FILES, ids=[str(p.relative_to(PGTAP_DIR)) for p in PGTAP_FILES]
)
def test_pgtap_file(pgtap_file: Path, pgtap_database_url: str) -> None:
    _pg_prove(pgtap_database_url, pgtap_file)
