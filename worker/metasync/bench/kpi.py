"""``metasync bench kpi``: KPI queries over the 1 000-ad account, timed.

On a throwaway database the large account's shape (351 campaigns, 700 ad sets, 1 000 ads, as
the emulator's ``large`` world) is seeded with ``--days`` days of ad-day facts (nine ads in ten
deliver each day). Each query runs ``--runs`` times after two warm-up runs, every row fetched;
the numbers are wall-clock milliseconds per query as the client sees them (median, p95, max).
Target: the 90-day campaign ``kpi_summary`` under 50 ms (median).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import psycopg
import typer

from metasync.bench._common import Report, postgres_version, throwaway_database
from metasync.db import bench_kpi as db
from metasync.settings import get_settings

TARGET_MS = 50.0


def _time(run: Callable[[], int], runs: int) -> tuple[list[float], int]:
    rows = 0
    for _ in range(2):
        rows = run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = run()
        times.append((time.perf_counter() - started) * 1000)
    return times, rows


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def kpi(
    days: Annotated[int, typer.Option(help="Days of facts seeded (history)")] = 365,
    runs: Annotated[int, typer.Option(help="Timed runs per query")] = 30,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the numbers as JSON")
    ] = None,
) -> None:
    """KPI queries (kpi_summary, kpi_daily) over 90 days of the 1 000-ad account."""
    report = Report("kpi")
    until = datetime.now(UTC).date()
    with (
        throwaway_database(get_settings(), "kpi") as url,
        psycopg.connect(url, autocommit=True) as conn,
    ):
        started = time.perf_counter()
        facts = db.seed_large_account(conn, until, days)
        seeded = time.perf_counter() - started
        report.add("fact rows seeded", facts, f"{days} days, {seeded:.1f} s")
        report.data |= {"postgres": postgres_version(url), "fact_rows": facts, "days": days,
                        "runs": runs, "queries": {}}  # fmt: skip
        _measure(conn, until - timedelta(days=89), until, runs, report)
    summary = report.data["queries"]["kpi_summary campaign 90 d"]["median_ms"]
    report.check(summary < TARGET_MS, f"90-day campaign kpi_summary {summary} ms >= {TARGET_MS} ms")
    report.emit(json_file)
    if report.failures:
        raise typer.Exit(1)


def _measure(conn: psycopg.Connection, since: date, until: date, runs: int, report: Report) -> None:
    queries: dict[str, Callable[[], int]] = {
        "kpi_summary campaign 90 d": lambda: db.run_summary(conn, "campaign", since, until),
        "kpi_daily campaign 90 d": lambda: db.run_daily(conn, "campaign", since, until),
        "kpi_summary ad 90 d": lambda: db.run_summary(conn, "ad", since, until),
        "kpi_summary organization 90 d": lambda: db.run_org_summary(conn, since, until),
    }
    for name, run in queries.items():
        times, rows = _time(run, runs)
        med, p95, top = statistics.median(times), _p95(times), max(times)
        report.add(f"{name}: median ms", med, f"p95 {p95:.1f}, max {top:.1f}, {rows:,} rows")
        report.data["queries"][name] = {
            "median_ms": round(med, 3), "p95_ms": round(p95, 3), "max_ms": round(top, 3),
            "rows": rows,
        }  # fmt: skip
