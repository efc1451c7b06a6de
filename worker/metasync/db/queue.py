"""The chunk queue from Python: one async function per SQL function in ``sql/02xx``, same names.

Every function takes an ``AsyncConnection`` (the caller owns the transaction:
``complete_sync_chunk`` is meant to run in the same transaction as the chunk's writes) and
passes ``now`` as ``p_now`` (``None``: the database's ``now()``).
SQL refusals arrive as :mod:`metasync.db.errors` exceptions; a lost lease is
:class:`~metasync.db.errors.LeaseLostError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from metasync.db.errors import translated

Conn = AsyncConnection[Any]


@dataclass(frozen=True)
class ClaimedChunk:
    """A chunk this worker holds under ``lease_token`` until it completes, fails or releases it."""

    chunk_id: int
    lease_token: UUID
    job_id: int
    account_id: str
    connection_id: UUID | None
    timezone_name: str
    currency: str | None
    sync_phase: str
    chunk_type: str
    date_since: date | None
    date_until: date | None
    campaign_ids: tuple[str, ...] | None
    updated_since: datetime | None
    retry_count: int = 0
    organization_id: UUID | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ClaimedChunk:
        ids = row.get("campaign_ids")
        return cls(
            chunk_id=int(row["chunk_id"]),
            lease_token=row["lease_token"],
            job_id=int(row["job_id"]),
            account_id=str(row["account_id"]),
            connection_id=row.get("connection_id"),
            timezone_name=str(row.get("timezone_name") or "UTC"),
            currency=row.get("currency"),
            sync_phase=str(row["sync_phase"]),
            chunk_type=str(row["chunk_type"]),
            date_since=row.get("date_since"),
            date_until=row.get("date_until"),
            campaign_ids=tuple(ids) if ids is not None else None,
            updated_since=row.get("updated_since"),
            retry_count=int(row.get("retry_count") or 0),
            organization_id=row.get("organization_id"),
        )


async def _rows(conn: Conn, sql: str, args: Mapping[str, Any]) -> list[dict[str, Any]]:
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql, args)
        return await cur.fetchall() if cur.description else []


async def _scalar(conn: Conn, sql: str, args: Mapping[str, Any]) -> Any:
    rows = await _rows(conn, sql, args)
    return next(iter(rows[0].values())) if rows else None


async def claim_sync_chunks(
    conn: Conn,
    worker: str,
    limit: int,
    lease_seconds: int,
    now: datetime | None = None,
    *,
    per_account: int | None = None,
    per_account_history: int | None = None,
) -> list[ClaimedChunk]:
    """Lease up to ``limit`` chunks; with ``per_account``, never more than that many in
    progress per account for ``worker`` (Postgres counts what the worker holds); with
    ``per_account_history``, the account's phase-2 chunks count apart, against that limit."""
    rows = await _rows(
        conn,
        "select * from meta_sync.claim_sync_chunks(p_worker => %(w)s, p_limit => %(n)s,"
        " p_lease_seconds => %(l)s, p_now => coalesce(%(now)s, now()),"
        " p_per_account => %(per)s, p_per_account_history => %(hist)s)",
        {
            "w": worker,
            "n": limit,
            "l": lease_seconds,
            "now": now,
            "per": per_account,
            "hist": per_account_history,
        },
    )
    return [ClaimedChunk.from_row(r) for r in rows]


async def heartbeat_sync_chunks(
    conn: Conn,
    worker: str,
    chunk_ids: Sequence[int],
    lease_seconds: int,
    now: datetime | None = None,
) -> list[int]:
    """Extend the leases; returns the chunk ids still held (the others were lost)."""
    rows = await _rows(
        conn,
        "select * from meta_sync.heartbeat_sync_chunks(p_worker => %(w)s,"
        " p_chunk_ids => %(ids)s, p_lease_seconds => %(l)s, p_now => coalesce(%(now)s, now()))",
        {"w": worker, "ids": list(chunk_ids), "l": lease_seconds, "now": now},
    )
    return [int(next(iter(r.values()))) for r in rows]


async def complete_sync_chunk(
    conn: Conn,
    chunk: ClaimedChunk,
    *,
    rows_written: int,
    api_calls: int,
    entity_counts: Mapping[str, int] | None = None,
    fresh_through: date | None = None,
    now: datetime | None = None,
) -> None:
    await _rows(
        conn,
        "select meta_sync.complete_sync_chunk(p_chunk_id => %(c)s, p_lease_token => %(t)s,"
        " p_rows_written => %(r)s, p_api_calls => %(a)s, p_entity_counts => %(e)s::jsonb,"
        " p_fresh_through => %(f)s, p_now => coalesce(%(now)s, now()))",
        {
            "c": chunk.chunk_id,
            "t": chunk.lease_token,
            "r": rows_written,
            "a": api_calls,
            "e": json.dumps(dict(entity_counts or {})),
            "f": fresh_through,
            "now": now,
        },
    )


async def fail_sync_chunk(
    conn: Conn,
    chunk: ClaimedChunk,
    error: str,
    *,
    retryable: bool,
    retry_after: datetime | None = None,
    now: datetime | None = None,
    api_calls: int = 0,
) -> None:
    """End a failed attempt; ``api_calls`` (the Graph calls it cost) count on the job."""
    await _rows(
        conn,
        "select meta_sync.fail_sync_chunk(p_chunk_id => %(c)s, p_lease_token => %(t)s,"
        " p_error => %(e)s, p_retryable => %(r)s, p_retry_after => %(ra)s,"
        " p_now => coalesce(%(now)s, now()), p_api_calls => %(a)s)",
        {
            "c": chunk.chunk_id,
            "t": chunk.lease_token,
            "e": error[:2000],
            "r": retryable,
            "ra": retry_after,
            "now": now,
            "a": api_calls,
        },
    )


async def split_sync_chunk(
    conn: Conn,
    chunk: ClaimedChunk,
    campaign_ids: Sequence[str] | None = None,
    now: datetime | None = None,
    *,
    api_calls: int = 0,
) -> list[int]:
    """Replace the chunk by smaller children (dates halved, else the campaign list halved);
    ``api_calls`` (the Graph calls that found "too much data") count on the job."""
    value = await _scalar(
        conn,
        "select meta_sync.split_sync_chunk(p_chunk_id => %(c)s, p_lease_token => %(t)s,"
        " p_campaign_ids => %(ids)s, p_now => coalesce(%(now)s, now()), p_api_calls => %(a)s)",
        {
            "c": chunk.chunk_id,
            "t": chunk.lease_token,
            "ids": list(campaign_ids) if campaign_ids is not None else None,
            "now": now,
            "a": api_calls,
        },
    )
    return [int(v) for v in value or []]


async def release_sync_chunks(
    conn: Conn,
    worker: str,
    chunk_ids: Sequence[int],
    now: datetime | None = None,
    *,
    api_calls: int = 0,
) -> int:
    """Give unfinished chunks back (pending, no attempt counted); returns how many.

    ``api_calls`` (the Graph calls spent on the chunk) count on its job; more than 0 needs
    exactly one chunk id."""
    value = await _scalar(
        conn,
        "select meta_sync.release_sync_chunks(p_worker => %(w)s, p_chunk_ids => %(ids)s,"
        " p_now => coalesce(%(now)s, now()), p_api_calls => %(a)s)",
        {"w": worker, "ids": list(chunk_ids), "now": now, "a": api_calls},
    )
    return int(value or 0)


async def requeue_expired_leases(conn: Conn, now: datetime | None = None) -> int:
    value = await _scalar(
        conn,
        "select meta_sync.requeue_expired_leases(p_now => coalesce(%(now)s, now()))",
        {"now": now},
    )
    return int(value or 0)


async def request_manual_sync(
    conn: Conn,
    account_id: str,
    since: date,
    until: date,
    requested_by: str | None = None,
    now: datetime | None = None,
) -> int:
    """A manual job over ``since`` .. ``until``; its id."""
    value = await _scalar(
        conn,
        "select meta_sync.request_manual_sync(p_account_id => %(a)s, p_since => %(s)s,"
        " p_until => %(u)s, p_requested_by => %(by)s, p_now => coalesce(%(now)s, now()))",
        {"a": account_id, "s": since, "u": until, "by": requested_by, "now": now},
    )
    return int(value)
