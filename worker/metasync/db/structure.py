"""When the account's structure was last listed, recording a listing made outside a structure
chunk (``sql/0218``), and whether a job's structure chunk is still open."""

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


async def database_now(conn: Conn) -> datetime:
    """The database's clock: what a listing made outside a chunk is recorded against."""
    row = await (await conn.execute("select now()")).fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


async def structure_listing_is_current(
    conn: Conn, account_id: str, now: datetime | None = None
) -> bool:
    """Whether the last listing is within sync_planner_settings.structure_overlap_minutes of
    ``now`` (the database's clock when None): objects it did not show are then deleted."""
    cur = await conn.execute(
        "select coalesce(bool_or(f.synced_at > coalesce(%s, now()) - make_interval(mins =>"
        " s.structure_overlap_minutes)), false)"
        " from meta_sync.data_freshness f cross join meta_sync.sync_planner_settings s"
        " where f.account_id = %s and f.dataset = 'structure'",
        (now, account_id),
    )
    row = await cur.fetchone()
    return bool(row and row[0])


async def structure_chunk_open(conn: Conn, job_id: int) -> bool:
    """Whether the job's structure chunk is still pending or running (a chunk that does not
    wait for it, phase 1's first, may be reading rows beside it)."""
    cur = await conn.execute(
        "select exists (select from meta_sync.sync_job_chunks c where c.job_id = %s"
        " and c.chunk_type = 'structure' and c.status in ('pending', 'in_progress'))",
        (job_id,),
    )
    row = await cur.fetchone()
    return bool(row and row[0])
