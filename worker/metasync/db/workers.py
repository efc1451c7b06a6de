"""The worker registry and the queue's depth from Python: one function per SQL function of
``sql/0357``-``0362``, plus the chunk states a heartbeat looks up. ``now`` None: the
database's clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from metasync.db.errors import translated

Conn = AsyncConnection[Any]


@dataclass(frozen=True)
class WorkerRow:
    """One registered worker as ``list_sync_workers`` returns it."""

    worker_id: str
    host: str
    pid: int
    concurrency: int
    version: str | None
    started_at: datetime
    last_heartbeat_at: datetime
    seconds_since_heartbeat: Decimal
    chunks_running: int
    chunks_leased: int
    counters: Mapping[str, Any]
    stopped_at: datetime | None


@dataclass(frozen=True)
class QueueDepth:
    sync_phase: str
    state: str
    chunks: int


async def register_sync_worker(
    conn: Conn, worker: str, host: str, pid: int, concurrency: int, version: str | None,
    now: datetime | None = None,
) -> None:  # fmt: skip
    async with translated():
        await conn.execute(
            "select meta_sync.register_sync_worker(%s, %s, %s, %s, %s, coalesce(%s, now()))",
            (worker, host, pid, concurrency, version, now),
        )


async def beat_sync_worker(
    conn: Conn,
    worker: str,
    chunks_running: int,
    counters: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> bool:
    """False when the worker is not registered (any more): register again."""
    async with translated():
        cur = await conn.execute(
            "select meta_sync.beat_sync_worker(%s, %s, %s, coalesce(%s, now()))",
            (worker, chunks_running, Jsonb(dict(counters)) if counters is not None else None, now),
        )
        row = await cur.fetchone()
    return bool(row and row[0])


async def stop_sync_worker(conn: Conn, worker: str, now: datetime | None = None) -> None:
    async with translated():
        await conn.execute(
            "select meta_sync.stop_sync_worker(%s, coalesce(%s, now()))", (worker, now)
        )


async def list_sync_workers(conn: Conn, now: datetime | None = None) -> list[WorkerRow]:
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute("select * from meta_sync.list_sync_workers(coalesce(%s, now()))", (now,))
        return [WorkerRow(**row) for row in await cur.fetchall()]


async def get_queue_depth(conn: Conn, now: datetime | None = None) -> list[QueueDepth]:
    async with translated():
        cur = await conn.execute(
            "select sync_phase::text, state, chunks"
            " from meta_sync.get_queue_depth(coalesce(%s, now()))",
            (now,),
        )
        return [QueueDepth(str(p), str(s), int(n)) for p, s, n in await cur.fetchall()]


async def chunk_states(conn: Conn, chunk_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """(status, locked_by) of each chunk: tells a finished chunk from a lost lease."""
    cur = await conn.execute(
        "select id, status::text, locked_by from meta_sync.sync_job_chunks where id = any(%s)",
        (list(chunk_ids),),
    )
    return {int(i): (str(s), b) for i, s, b in await cur.fetchall()}


@dataclass(frozen=True)
class FinishedJob:
    job_id: int
    account_id: str
    sync_phase: str
    status: str
    total_chunks: int
    failed_chunks: int
    rows_written: int
    api_calls: int
    seconds: Decimal | None


async def jobs_finished_by(conn: Conn, chunk_ids: Sequence[int]) -> list[FinishedJob]:
    """The jobs whose last outcome was one of these chunks' (each job named once, by the
    worker whose chunk ended it)."""
    cur = await conn.execute(
        """
        select distinct j.id, j.account_id::text, j.sync_phase::text, j.status::text,
               j.total_chunks, j.failed_chunks, j.insight_rows_written, j.api_calls,
               round(extract(epoch from j.completed_at - coalesce(j.started_at, j.created_at)), 3)
        from meta_sync.sync_job_chunks c
        join meta_sync.sync_jobs j on j.id = c.job_id
        where c.id = any(%s)
          and j.status in ('completed', 'completed_with_errors', 'failed')
          and j.completed_at = c.completed_at
        order by j.id
        """,
        (list(chunk_ids),),
    )
    return [FinishedJob(*row) for row in await cur.fetchall()]
