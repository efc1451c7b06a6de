"""Breakdown sets and attribution settings (``meta_sync.insights_breakdown_sets``) from Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from metasync.db.errors import NotFoundError, translated

Conn = AsyncConnection[Any]


@dataclass(frozen=True)
class BreakdownSet:
    id: int
    breakdowns: tuple[str, ...]
    attribution_windows: tuple[str, ...]
    use_unified_attribution_setting: bool
    with_reach: bool
    breakdown_key: str
    attribution_setting: str


async def add_breakdown_set(
    conn: Conn, organization_id: UUID, breakdowns: list[str], windows: list[str] | None = None,
    use_unified: bool = False, with_reach: bool = True, history_months: int = 13,
) -> int:  # fmt: skip
    """``meta_sync.add_breakdown_set``: what Meta refuses raises ``InvalidArgumentError``."""
    async with translated(), conn.cursor() as cur:
        await cur.execute(
            "select meta_sync.add_breakdown_set(p_organization_id => %s, p_breakdowns => %s,"
            " p_attribution_windows => %s, p_use_unified => %s, p_with_reach => %s,"
            " p_history_months => %s)",
            (organization_id, breakdowns, windows or [], use_unified, with_reach, history_months),
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def breakdown_set(conn: Conn, set_id: int) -> BreakdownSet:
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select id, breakdowns, attribution_windows, use_unified_attribution_setting,"
            " with_reach, breakdown_key, attribution_setting"
            " from meta_sync.insights_breakdown_sets where id = %s",
            (set_id,),
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFoundError(f"no breakdown set {set_id}")
    return BreakdownSet(
        row["id"], tuple(row["breakdowns"]), tuple(row["attribution_windows"]),
        row["use_unified_attribution_setting"], row["with_reach"], row["breakdown_key"],
        row["attribution_setting"],
    )  # fmt: skip
