"""Exchange rates (``meta_sync.fx_rates``, ``meta_sync.fx_convert_rate``) from Python.

:func:`store_rates` COPYs the rates into a temporary table and upserts them in one statement:
a file is stored whole or not at all (the caller owns the transaction), and importing the same
file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from psycopg import AsyncConnection

from metasync.db.errors import translated
from metasync.fx import FxRate

Conn = AsyncConnection[Any]

_STAGE = (
    "create temp table if not exists stage_fx_rates"
    " (currency text, date date, rate numeric) on commit drop"
)
_UPSERT = """
insert into meta_sync.fx_rates as t (currency, date, rate, source, imported_at)
select s.currency, s.date, s.rate, %(source)s, %(now)s from stage_fx_rates s
on conflict (currency, date) do update
  set rate = excluded.rate, source = excluded.source, imported_at = excluded.imported_at
  where t.rate is distinct from excluded.rate
"""


@dataclass(frozen=True)
class ImportResult:
    rates: int  # rates in the file
    changed: int  # inserted or changed rows
    currencies: tuple[str, ...]
    first: date | None
    last: date | None


async def store_rates(
    conn: Conn, rates: Sequence[FxRate], source: str, now: datetime
) -> ImportResult:
    """Upsert ``rates`` (EUR rows are implicit and skipped); returns what changed."""
    kept = [r for r in rates if r.currency != "EUR"]
    async with translated():
        await conn.execute(_STAGE)
        await conn.execute("truncate stage_fx_rates")
        async with (
            conn.cursor() as cur,
            cur.copy("copy stage_fx_rates (currency, date, rate) from stdin") as copy,
        ):
            for r in kept:
                await copy.write_row((r.currency, r.date, r.rate))
        cur = await conn.execute(_UPSERT, {"source": source, "now": now})
    days = [r.date for r in kept]
    return ImportResult(
        len(kept), max(cur.rowcount, 0), tuple(sorted({r.currency for r in kept})),
        min(days, default=None), max(days, default=None),
    )  # fmt: skip


async def fx_convert_rate(conn: Conn, source: str, target: str, day: date) -> Decimal | None:
    """The factor converting ``source`` amounts into ``target`` on ``day`` (None: no rate)."""
    async with translated(), conn.cursor() as cur:
        await cur.execute("select meta_sync.fx_convert_rate(%s, %s, %s)", (source, target, day))
        row = await cur.fetchone()
    return None if row is None or row[0] is None else Decimal(row[0])
