"""``metasync export``: CSV and Parquet equal kpi_daily, streamed in constant memory."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from metasync.cli import app
from metasync.db.export import ExportScope
from metasync.export import export_csv, export_parquet
from metasync.settings import get_settings
from tests.integration.data.kpi_world import AGENCY

runner = CliRunner()
ARGS = ["--since", "2026-03-01", "--until", "2026-03-02"]


@pytest.fixture
def env(database_url: str) -> Iterator[dict[str, str]]:
    get_settings.cache_clear()
    yield {"DATABASE_URL": database_url}
    get_settings.cache_clear()


def _kpi(conn: psycopg.Connection, level: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        "select entity_id, date, currency, round(spend, 6), impressions, round(ctr, 6), reach"
        " from meta_sync.kpi_daily where level = %s order by date, entity_id",
        (level,),
    ).fetchall()


def _num(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@pytest.mark.parametrize("level", ["ad", "campaign", "account", "organization"])
def test_csv_equals_kpi_daily(env: dict[str, str], world: psycopg.Connection, level: str) -> None:
    result = runner.invoke(app, ["export", "--org", "agency", "--level", level, *ARGS], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    got = [
        (r["entity_id"], date.fromisoformat(r["date"]), r["currency"], _num(r["spend"]),
         int(r["impressions"]), _num(r["ctr"]), int(r["reach"]) if r["reach"] else None)
        for r in rows
    ]  # fmt: skip
    assert got == _kpi(world, level) and got


def test_parquet_equals_kpi_daily(
    env: dict[str, str], world: psycopg.Connection, tmp_path: Path
) -> None:
    out = tmp_path / "ads.parquet"
    args = [
        "export",
        "--account",
        "act_801",
        "--level",
        "ad",
        "--format",
        "parquet",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, [*args, *ARGS], env=env)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    got = [
        (r["entity_id"], r["date"], r["currency"], r["spend"], r["impressions"], r["ctr"],
         r["reach"])
        for r in table.to_pylist()
    ]  # fmt: skip
    want = [r for r in _kpi(world, "ad") if r[2] == "USD"]
    assert got == want and len(got) == 3
    assert table.schema.field("spend").type.scale == 6
    assert not out.with_name("ads.parquet.partial").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "week", *ARGS], "unknown level"),
        (["--format", "xlsx", *ARGS], "unknown format"),
        (["--format", "parquet", *ARGS], "needs --output"),
        (["--since", "2026-03-02", "--until", "2026-03-01"], "after --until"),
        (["--since", "2026-02-30", "--until", "2026-03-01"], "bad date"),
        (["--org", "nobody", *ARGS], 'no organization named "nobody"'),
        (["--account", "801", *ARGS], "malformed ad account id"),
        (["--account", "act_999", *ARGS], "no ad account act_999"),
    ],
)
def test_bad_arguments_are_refused(
    env: dict[str, str], world: psycopg.Connection, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["export", *args], env=env)
    assert result.exit_code == 2 and message in result.output, result.output


MANY = """
insert into meta_sync.meta_insights_daily (ad_id, date, account_id, campaign_id, adset_id,
  currency, impressions, clicks, spend, reach, link_clicks)
select (500000 + a)::text, date '2025-01-01' + d, 'act_801', '1001', '2001', 'USD',
       100 + a, a %% 7, (a %% 50) * 0.37, 90, a %% 5
from generate_series(1, %(ads)s) a, generate_series(0, %(days)s - 1) d
"""


async def test_exports_stream_in_constant_memory(
    aconn: psycopg.AsyncConnection[Any], world: psycopg.Connection, tmp_path: Path
) -> None:
    world.execute(MANY, {"ads": 500, "days": 120})  # 60 000 ad-days
    scope = ExportScope("ad", date(2025, 1, 1), date(2025, 4, 30), UUID(AGENCY))
    tracemalloc.start()
    try:
        with (tmp_path / "ads.csv").open("wb") as handle:
            csv_result = await export_csv(aconn, scope, handle)
        _, csv_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        parquet = await export_parquet(aconn, scope, tmp_path / "ads.parquet", batch_rows=2000)
        _, parquet_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = (tmp_path / "ads.csv").stat().st_size
    assert csv_result.rows == parquet.rows == 60_000
    assert parquet.batches == 30 and pq.ParquetFile(tmp_path / "ads.parquet").num_row_groups == 30
    assert size > 6_000_000
    assert csv_peak < 2_000_000, csv_peak  # a COPY block at a time, not the file
    assert parquet_peak < 8_000_000, parquet_peak  # one batch of rows at a time (all: >100 MB)
