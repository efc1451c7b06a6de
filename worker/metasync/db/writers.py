"""Writes: COPY into a temp table, then ONE ``insert ... on conflict do update ... where``.

Only rows whose values changed are updated (``is distinct from`` over the value columns), so
re-running a chunk writes nothing new and is safe. The caller owns the transaction and calls
``complete_sync_chunk`` in it, after the writes. :func:`measure_upsert_vs_copy` compares the
upsert's throughput with a plain COPY into the same table (the benchmark calls it).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.types.json import Jsonb

from metasync.db.errors import translated
from metasync.sync.mapping import (
    AdRow,
    AdSetRow,
    CampaignRow,
    CreativeRow,
    InsightDailyRow,
    InsightHourlyRow,
)

Conn = AsyncConnection[Any]
Row = CampaignRow | AdSetRow | AdRow | CreativeRow | InsightDailyRow | InsightHourlyRow


@dataclass(frozen=True)
class TableSpec:
    """Where a row type goes: its table, its key, its columns (the row's fields, in order)."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.key)


def _spec(table: str, row_type: type[Any], key: tuple[str, ...]) -> TableSpec:
    return TableSpec(table, key, tuple(f.name for f in fields(row_type)))


CAMPAIGNS = _spec("meta_campaigns", CampaignRow, ("id",))
ADSETS = _spec("meta_adsets", AdSetRow, ("id",))
ADS = _spec("meta_ads", AdRow, ("id",))
CREATIVES = _spec("meta_ad_creatives", CreativeRow, ("id",))
INSIGHTS = _spec(
    "meta_insights_daily",
    InsightDailyRow,
    ("ad_id", "date", "attribution_setting", "breakdown_key"),
)
HOURLY = _spec("meta_insights_hourly", InsightHourlyRow, ("ad_id", "date", "hour"))
SPECS: dict[type[Any], TableSpec] = {
    CampaignRow: CAMPAIGNS,
    AdSetRow: ADSETS,
    AdRow: ADS,
    CreativeRow: CREATIVES,
    InsightDailyRow: INSIGHTS,
    InsightHourlyRow: HOURLY,
}


def _cell(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, dict | list) else value


def copy_values(row: Row, spec: TableSpec) -> tuple[Any, ...]:
    return tuple(_cell(getattr(row, c)) for c in spec.columns)


def upsert_sql(spec: TableSpec, stage: str) -> sql.Composed:
    """The one statement: insert from the stage, update only rows that changed."""
    cols = sql.SQL(", ").join(map(sql.Identifier, spec.columns))
    ours = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in spec.values)
    theirs = sql.SQL(", ").join(
        sql.SQL("excluded.{}").format(sql.Identifier(c)) for c in spec.values
    )
    sets = sql.SQL(", ").join(
        sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in (*spec.values, "synced_at")
    )
    return sql.SQL(
        "insert into meta_sync.{table} as t ({cols}, synced_at)"
        " select {cols}, coalesce(%(now)s::timestamptz, now()) from {stage}"
        " on conflict ({key}) do update set {sets}"
        " where ({ours}) is distinct from ({theirs})"
    ).format(
        table=sql.Identifier(spec.table),
        cols=cols,
        stage=sql.Identifier(stage),
        key=sql.SQL(", ").join(map(sql.Identifier, spec.key)),
        sets=sets,
        ours=ours,
        theirs=theirs,
    )


async def _copy(conn: Conn, target: sql.Composable, spec: TableSpec, rows: Sequence[Row]) -> None:
    cols = sql.SQL(", ").join(map(sql.Identifier, spec.columns))
    statement = sql.SQL("copy {} ({}) from stdin").format(target, cols)
    async with conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            await copy.write_row(copy_values(row, spec))


async def upsert_rows(conn: Conn, rows: Sequence[Row], now: datetime | None = None) -> int:
    """Upsert rows of one type; returns how many rows were inserted or changed. ``synced_at``
    is ``now``, else the database's ``now()``."""
    if not rows:
        return 0
    spec = SPECS[type(rows[0])]
    stage = f"stage_{spec.table}"
    async with translated():
        await conn.execute(
            sql.SQL(
                "create temp table if not exists {} (like meta_sync.{} including defaults)"
                " on commit drop"
            ).format(sql.Identifier(stage), sql.Identifier(spec.table))
        )
        await conn.execute(sql.SQL("truncate {}").format(sql.Identifier(stage)))
        await _copy(conn, sql.Identifier(stage), spec, _dedupe(rows, spec))
        cur = await conn.execute(upsert_sql(spec, stage), {"now": now})
        return max(cur.rowcount, 0)


def _dedupe(rows: Sequence[Row], spec: TableSpec) -> list[Row]:
    """One row per key (the last wins): ON CONFLICT cannot touch a row twice."""
    by_key = {tuple(getattr(r, k) for k in spec.key): r for r in rows}
    return list(by_key.values())


@dataclass(frozen=True)
class UpsertMeasure:
    rows: int
    copy_seconds: float
    upsert_seconds: float

    @property
    def copy_rows_per_second(self) -> float:
        return self.rows / self.copy_seconds if self.copy_seconds else 0.0

    @property
    def upsert_rows_per_second(self) -> float:
        return self.rows / self.upsert_seconds if self.upsert_seconds else 0.0

    @property
    def ratio(self) -> float:
        """Upsert throughput as a fraction of plain COPY (median against median)."""
        return self.copy_seconds / self.upsert_seconds if self.upsert_seconds else 0.0


async def measure_upsert_vs_copy(
    conn: Conn, rows: Sequence[InsightDailyRow], now: datetime | None = None, rounds: int = 3
) -> UpsertMeasure:
    """Time a plain COPY of ``rows`` into ``meta_insights_daily`` and the upsert of the same
    rows, each in its own transaction that is rolled back (the table is left as it was);
    ``rounds`` times, the two in turn (which goes first alternates), the medians kept: one
    sample each is at the mercy of whatever else the cores do at that moment. ``conn`` must
    not be inside a transaction; the account ids of ``rows`` must exist."""
    rows = _dedupe(rows, INSIGHTS)  # type: ignore[assignment]
    target = sql.SQL("meta_sync.{}").format(sql.Identifier(INSIGHTS.table))

    async def timed_copy() -> float:
        started = time.perf_counter()
        async with conn.transaction(force_rollback=True):
            await _copy(conn, target, INSIGHTS, rows)
        return time.perf_counter() - started

    async def timed_upsert() -> float:
        started = time.perf_counter()
        async with conn.transaction(force_rollback=True):
            await upsert_rows(conn, rows, now)
        return time.perf_counter() - started

    copies: list[float] = []
    upserts: list[float] = []
    for n in range(max(1, rounds)):
        if n % 2 == 0:
            copies.append(await timed_copy())
            upserts.append(await timed_upsert())
        else:
            upserts.append(await timed_upsert())
            copies.append(await timed_copy())
    return UpsertMeasure(len(rows), statistics.median(copies), statistics.median(upserts))
