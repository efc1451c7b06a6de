"""Runs the pgTAP suite (supabase/tests, one behaviour per file) with pg_prove, a test per file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PGTAP_DIR = Path(__file__).resolve().parents[2] / "supabase" / "tests"
PGTAP_FILES = sorted(PGTAP_DIR.rglob("*.sql"))


@pytest.mark.parametrize(
    "pgtap_file", PGTAP_FILES, ids=[str(p.relative_to(PGTAP_DIR)) for p in PGTAP_FILES]
)
def test_pgtap_file(pgtap_file: Path, cron_database_url: str) -> None:
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove not found: install libtap-parser-sourcehandler-pgtap-perl"
    result = subprocess.run(
        [pg_prove, "--verbose", "-d", cron_database_url, str(pgtap_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
