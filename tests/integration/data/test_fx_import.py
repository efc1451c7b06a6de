"""``metasync fx import``: both layouts stored, a bad file stores nothing, twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from metasync.cli import app
from metasync.settings import get_settings

runner = CliRunner()
ECB = """Date,USD,JPY,CYP,
2026-03-02,1.0812,163.21,N/A,
2026-02-27,1.0790,162.80,N/A,
"""


@pytest.fixture
def env(database_url: str) -> Iterator[dict[str, str]]:
    get_settings.cache_clear()
    yield {"DATABASE_URL": database_url}
    get_settings.cache_clear()


def _import(env: dict[str, str], path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["fx", "import", str(path)], env=env)
    return result.exit_code, result.output


def _stored(conn: psycopg.Connection) -> list[tuple[object, ...]]:
    return conn.execute(
        "select currency, date::text, rate::text, source from meta_sync.fx_rates order by 1, 2"
    ).fetchall()


def test_ecb_file_then_plain_file(
    env: dict[str, str], conn: psycopg.Connection, tmp_path: Path
) -> None:
    ecb = tmp_path / "eurofxref-hist.csv"
    ecb.write_text(ECB)
    code, out = _import(env, ecb)
    assert code == 0, out
    assert "4 rates (ecb layout) for 2 currencies, 2026-02-27 .. 2026-03-02; 4 new" in out
    code, out = _import(env, ecb)
    assert code == 0 and "0 new or changed" in out
    plain = tmp_path / "rates.csv"
    plain.write_text("date,currency,rate\n2026-03-02,USD,1.09\n2026-03-02,KRW,1500\n")
    code, out = _import(env, plain)
    assert code == 0 and "2 new or changed" in out
    rows = _stored(conn)
    assert ("USD", "2026-03-02", "1.0900000000", "csv") in rows
    assert ("JPY", "2026-02-27", "162.8000000000", "ecb") in rows
    assert len(rows) == 5


def test_a_bad_line_stores_nothing(
    env: dict[str, str], conn: psycopg.Connection, tmp_path: Path
) -> None:
    bad = tmp_path / "rates.csv"
    bad.write_text("date,currency,rate\n2026-03-02,USD,1.09\n2026-03-03,USD,-1\n")
    code, out = _import(env, bad)
    assert code == 2 and "line 3" in out and "above 0" in out
    assert _stored(conn) == []
    code, out = _import(env, tmp_path / "missing.csv")
    assert code == 2 and "cannot read" in out
