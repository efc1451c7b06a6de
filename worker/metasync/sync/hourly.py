"""Hourly insights chunks: the daily query with
``breakdowns=hourly_stats_aggregated_by_advertiser_time_zone`` (no reach: Meta has none by
hour), rows mapped like the daily ones plus their hour, written to ``meta_insights_hourly``.

Meta labels each hour of the account's day ``"HH:00:00 - HH:59:59"``; on the day the clocks go
back the repeated hour is one row, on the day they go forward the skipped hour has none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from metasync.db.queue import complete_sync_chunk
from metasync.db.writers import upsert_rows
from metasync.graph.errors import UnexpectedResponseError
from metasync.sync.context import ChunkContext
from metasync.sync.mapping import InsightHourlyRow, map_insight

HOURLY = "hourly_stats_aggregated_by_advertiser_time_zone"
_LABEL = re.compile(r"^(\d{2}):00:00 - \1:59:59$")


def hour_of(label: Any) -> int:
    """``"07:00:00 - 07:59:59"`` -> 7."""
    match = _LABEL.match(label) if isinstance(label, str) else None
    if match is None or int(match.group(1)) > 23:
        raise UnexpectedResponseError(f"unexpected hourly label from Meta: {label!r:.40}")
    return int(match.group(1))


def map_hourly(
    raws: Sequence[dict[str, Any]], account_id: str, currency: str | None,
    objectives: Mapping[str, str | None],
) -> list[InsightHourlyRow]:  # fmt: skip
    """Hourly rows; a later duplicate of the same (ad, day, hour) replaces the earlier one."""
    rows: dict[tuple[str, Any, int], InsightHourlyRow] = {}
    for raw in raws:
        daily = asdict(map_insight(raw, account_id, currency, objectives))
        for dropped in ("reach", "attribution_setting", "breakdown_key"):
            daily.pop(dropped)
        row = InsightHourlyRow(**daily, hour=hour_of(raw.get(HOURLY)))
        rows[(row.ad_id, row.date, row.hour)] = row
    return list(rows.values())


async def write_hourly_chunk(
    ctx: ChunkContext, raws: list[dict[str, Any]], objectives: Mapping[str, str | None]
) -> int:
    """Write the chunk's hourly rows and complete it in one transaction (the daily freshness is
    the daily chunks' to advance)."""
    rows = map_hourly(raws, ctx.account_id, ctx.chunk.currency, objectives)
    now = ctx.clock.db_now()
    async with ctx.pool.connection() as conn, conn.transaction():
        written = await upsert_rows(conn, rows, now)
        await complete_sync_chunk(
            conn, ctx.chunk, rows_written=written, api_calls=ctx.counter.calls,
            fresh_through=None, now=now,
        )  # fmt: skip
    return written
