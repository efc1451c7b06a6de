"""``metasync bench ingest``: the writers' upsert path against a plain COPY, then a re-run.

N ad-day rows (default 1 000 000) are generated deterministically (seeded) in batches of the size
a worker writes per chunk. In the same run, on a throwaway database:

1. plain COPY of every batch into ``meta_insights_daily`` (one transaction per batch), timed;
   then the table is truncated;
2. ``metasync.db.writers.upsert_rows`` of the same batches into the empty table (COPY into a
   temp stage + one ``insert ... on conflict do update ... where distinct``), timed;
3. the same upsert again over the full table: rows changed must be 0 and the count unchanged.

Row generation and Python-side work outside the database calls are not timed; both paths pay
the same per-row serialisation (``copy_values``). With ``--runs`` > 1 the COPY and upsert times
are medians and the ratio is the ratio of the medians.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import psycopg
import typer
from psycopg import sql

from metasync.bench._common import JsonFile, Report, median, postgres_version, throwaway_database
from metasync.db.writers import INSIGHTS, copy_values, upsert_rows
from metasync.settings import get_settings
from metasync.sync.mapping import InsightDailyRow

ACCOUNTS = 10
FIRST_DAY = date(2024, 1, 1)
AD_BASE = 23850000000000000
Conn = psycopg.AsyncConnection[Any]


def shape(rows: int) -> tuple[int, int]:
    """(ads, days) covering ``rows`` ad-days: up to 10 000 ads, as many days as needed."""
    ads = max(1, min(10_000, rows // 100))
    return ads, -(-rows // ads)


def generate(rows: int, batch: int, seed: int) -> Iterator[list[InsightDailyRow]]:
    """The rows in batches, day-major (a batch is a slice of days across the ads, as a chunk)."""
    ads, _ = shape(rows)
    out: list[InsightDailyRow] = []
    r = random.Random(seed)
    for i in range(rows):
        day, ad = divmod(i, ads)
        out.append(_row(r, ad, FIRST_DAY + timedelta(days=day)))
        if len(out) == batch:
            yield out
            out = []
    if out:
        yield out


def _row(r: random.Random, ad: int, day: date) -> InsightDailyRow:
    impressions = r.randint(0, 5000)
    clicks = impressions // r.randint(20, 200)
    purchases = clicks // r.randint(5, 50)
    value = Decimal(purchases * r.randint(20, 120))
    actions = [{"action_type": "link_click", "value": str(clicks)},
               {"action_type": "purchase", "value": str(purchases)}]  # fmt: skip
    return InsightDailyRow(
        ad_id=str(AD_BASE + ad), date=day, account_id=f"act_{1000 + ad % ACCOUNTS}",
        campaign_id=str(AD_BASE + 9_000_000 + ad // 50),
        adset_id=str(AD_BASE + 8_000_000 + ad // 5),
        currency="USD", impressions=impressions, clicks=clicks,
        spend=Decimal(impressions * r.randint(5, 15)) / 1000, reach=impressions * 9 // 10,
        link_clicks=clicks, conversions=Decimal(purchases), revenue=value, actions=actions,
        action_values=[{"action_type": "purchase", "value": str(value)}],
    )  # fmt: skip


async def _seed_accounts(conn: Conn) -> None:
    cur = await conn.execute(
        "insert into meta_sync.organizations (name) values ('bench ingest') returning id"
    )
    row = await cur.fetchone()
    assert row is not None
    for i in range(ACCOUNTS):
        await conn.execute(
            "insert into meta_sync.meta_ad_accounts (id, organization_id, currency)"
            " values (%s, %s, 'USD')",
            (f"act_{1000 + i}", row[0]),
        )


async def plain_copy(conn: Conn, rows: list[InsightDailyRow]) -> None:
    """COPY straight into the table: the fastest a write can be (no conflict handling)."""
    cols = sql.SQL(", ").join(map(sql.Identifier, INSIGHTS.columns))
    statement = sql.SQL("copy meta_sync.meta_insights_daily ({}) from stdin").format(cols)
    async with conn.transaction(), conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            await copy.write_row(copy_values(row, INSIGHTS))


async def upsert(conn: Conn, rows: list[InsightDailyRow], now: datetime) -> int:
    async with conn.transaction():
        return await upsert_rows(conn, rows, now)


async def _timed_pass(conn: Conn, rows: int, batch: int, seed: int, mode: str) -> tuple[float, int]:
    """(seconds spent in the database, rows inserted or changed) for one pass over the data."""
    now = datetime.now(UTC)
    seconds, changed = 0.0, 0
    for chunk in generate(rows, batch, seed):
        started = time.perf_counter()
        if mode == "copy":
            await plain_copy(conn, chunk)
            changed += len(chunk)
        else:
            changed += await upsert(conn, chunk, now)
        seconds += time.perf_counter() - started
    return seconds, changed


async def _count(conn: Conn) -> tuple[int, int]:
    cur = await conn.execute(
        "select count(*), count(distinct (ad_id, date, attribution_setting, breakdown_key))"
        " from meta_sync.meta_insights_daily"
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def _truncate(conn: Conn) -> None:
    await conn.execute("truncate meta_sync.meta_insights_daily")
    await conn.execute("checkpoint")


async def run_ingest(url: str, rows: int, batch: int, runs: int, seed: int) -> Report:
    report = Report("ingest")
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    try:
        await _seed_accounts(conn)
        copies, upserts = [], []
        for _ in range(runs):
            await _truncate(conn)
            copies.append((await _timed_pass(conn, rows, batch, seed, "copy"))[0])
            await _truncate(conn)
            upserts.append((await _timed_pass(conn, rows, batch, seed, "upsert"))[0])
        first_count = await _count(conn)
        rerun_seconds, rerun_changed = await _timed_pass(conn, rows, batch, seed, "upsert")
        final_count, distinct = await _count(conn)
    finally:
        await conn.close()
    _fill(report, rows, batch, runs, copies, upserts)
    report.add("rows after first upsert", first_count[0])
    report.add("re-run: seconds", round(rerun_seconds, 2), "same rows upserted again")
    report.add("re-run: rows changed", rerun_changed, "must be 0")
    report.add("re-run: rows in table", final_count, f"distinct keys {distinct:,}")
    report.data.update(rows_after_first=first_count[0], rerun_seconds=rerun_seconds,
                       rerun_changed=rerun_changed, rerun_count=final_count,
                       rerun_distinct=distinct, postgres=postgres_version(url))  # fmt: skip
    report.check(rerun_changed == 0, f"re-run changed {rerun_changed} rows (expected 0)")
    report.check(final_count == rows == distinct, f"{final_count} rows after re-run, not {rows}")
    return report


def _fill(report: Report, rows: int, batch: int, runs: int, copies: list[float],
          upserts: list[float]) -> None:  # fmt: skip
    copy_s, upsert_s = median(copies), median(upserts)
    ratio = copy_s / upsert_s if upsert_s else 0.0
    report.add("rows", rows, f"batches of {batch:,}, {runs} run(s), medians")
    report.add("plain COPY: seconds", round(copy_s, 2), f"{rows / copy_s:,.0f} rows/s")
    report.add("upsert path: seconds", round(upsert_s, 2), f"{rows / upsert_s:,.0f} rows/s")
    report.add("upsert / COPY throughput", round(ratio, 3), "target >= 0.5")
    report.data.update(rows=rows, batch=batch, runs=runs, copy_seconds=copies,
                       upsert_seconds=upserts, copy_rows_per_s=rows / copy_s,
                       upsert_rows_per_s=rows / upsert_s, ratio=ratio)  # fmt: skip
    report.check(ratio >= 0.5, f"upsert/COPY ratio {ratio:.3f} < 0.5")


def ingest(
    rows: Annotated[int, typer.Option("--rows", min=1, help="Ad-day rows.")] = 1_000_000,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Rows per write (chunk).")] = 10_000,
    runs: Annotated[int, typer.Option("--runs", min=1, help="Runs (medians).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated rows.")] = 1,
    json_file: JsonFile = None,
) -> None:
    """Upsert path vs plain COPY (ratio, same run), then an idempotent re-run."""
    with throwaway_database(get_settings(), "ingest") as url:
        report = asyncio.run(run_ingest(url, rows, batch, runs, seed))
    report.emit(json_file)
    if report.failures:
        raise typer.Exit(1)
