"""When the account's structure was last listed, and recording a listing made outside a
structure chunk (``sql/0218``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from metasync.db.errors import translated

Conn = AsyncConnection[Any]


async def record_structure_listing(conn: Conn, account_id: str, listed_at: datetime) -> None:
    async with translated():
        await conn.execute(
            "select meta_sync.record_structure_listing(p_account_id => %s, p_listed_at => %s)",
            (account_id, listed_at),
        )


async def structure_listing_is_current(conn: Conn, account_id: str, now: datetime) -> bool:
    """Whether the last listing is within sync_planner_settings.structure_overlap_minutes of
    ``now``: objects it did not show are then taken as deleted."""
    cur = await conn.execute(
        "select coalesce(bool_or(f.synced_at > %s - make_interval(mins =>"
        " s.structure_overlap_minutes)), false)"
        " from meta_sync.data_freshness f cross join meta_sync.sync_planner_settings s"
        " where f.account_id = %s and f.dataset = 'structure'",
        (now, account_id),
    )
    row = await cur.fetchone()
    return bool(row and row[0])
