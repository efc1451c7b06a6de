"""Hourly insights from Python: which dataset a claimed insights chunk reads."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

from metasync.db.errors import translated

Conn = AsyncConnection[Any]


async def chunk_dataset(conn: Conn, chunk_id: int) -> str:
    """``daily`` or ``hourly`` (``sync_job_chunks.dataset``); ``daily`` for an unknown chunk."""
    async with translated(), conn.cursor() as cur:
        await cur.execute(
            "select dataset from meta_sync.sync_job_chunks where id = %s", (chunk_id,)
        )
        row = await cur.fetchone()
    return str(row[0]) if row else "daily"


async def set_hourly(conn: Conn, tiers: list[str], enabled: bool = True) -> None:
    """Switch hourly insights on (or off) for ``tiers`` (``meta_sync_config.hourly_enabled``)."""
    async with translated():
        await conn.execute(
            "update meta_sync.meta_sync_config set hourly_enabled = %s, updated_at = now()"
            " where tier::text = any(%s)",
            (enabled, tiers),
        )
