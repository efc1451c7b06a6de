"""Tier scheduling from Python: one async function per SQL function in ``sql/01xx``, same names.

Every function takes an ``AsyncConnection`` (the caller owns the transaction) and passes ``now``
as ``p_now`` (``None`` = the database's ``now()``). SQL refusals arrive as
:mod:`metasync.db.errors` exceptions (bad tier/outcome/limit -> ``InvalidArgumentError``,
malformed id -> ``MalformedIdError``, unknown account -> ``NotFoundError``, not an admin ->
``NotAllowedError``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from metasync.db.errors import translated

Conn = AsyncConnection[Any]
Tier = Literal["high", "medium", "low"]
# What update_meta_sync_status records about an account's scheduled sync.
SyncOutcome = Literal["success", "error", "rate_limited"]
_NOW = "coalesce(%(now)s::timestamptz, now())"


@dataclass(frozen=True)
class DueAccount:
    """An account due for its scheduled sync (``get_meta_accounts_due_for_sync``)."""

    account_id: str
    organization_id: UUID
    tier: str
    next_sync_at: datetime
    overdue_by: timedelta
    last_meta_sync_at: datetime | None
    sync_error_count: int
    timezone_name: str
    connection_id: UUID | None


@dataclass(frozen=True)
class EnqueuedJob:
    """A job created by ``enqueue_due_syncs``."""

    job_id: int
    account_id: str
    sync_phase: str


async def _scalar(conn: Conn, sql: str, params: dict[str, Any]) -> Any:
    async with translated(), conn.cursor() as cur:
        await cur.execute(sql.encode(), params)
        row = await cur.fetchone()
    return None if row is None else row[0]


async def chunk_priority(conn: Conn, phase: str, tier: Tier) -> int:
    """Claim order of a chunk of ``phase`` for an account of ``tier``, lower first."""
    sql = (
        "select meta_sync.chunk_priority("
        "%(phase)s::meta_sync.sync_phase, %(tier)s::meta_sync.sync_tier)"
    )
    return int(await _scalar(conn, sql, {"phase": phase, "tier": tier}))


async def set_sync_priority(
    conn: Conn, account_id: str, tier: str, now: datetime | None = None
) -> datetime | None:
    """Set an account's tier; returns its new ``next_sync_at`` (None while onboarding)."""
    sql = f"select meta_sync.set_sync_priority(%(account)s, %(tier)s, {_NOW})"
    result: datetime | None = await _scalar(
        conn, sql, {"account": account_id, "tier": tier, "now": now}
    )
    return result


async def get_meta_accounts_due_for_sync(
    conn: Conn, limit: int = 100, now: datetime | None = None
) -> list[DueAccount]:
    """Accounts due now: high tier first, most overdue first within a tier."""
    sql = f"select * from meta_sync.get_meta_accounts_due_for_sync(%(limit)s, {_NOW})"
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql.encode(), {"limit": limit, "now": now})
        rows = await cur.fetchall()
    return [DueAccount(**{**row, "tier": str(row["tier"])}) for row in rows]


async def update_meta_sync_status(
    conn: Conn,
    account_id: str,
    outcome: SyncOutcome,
    error: str | None = None,
    regain_at: datetime | None = None,
    fresh_through: date | None = None,
    now: datetime | None = None,
    *,
    regain_in: timedelta | None = None,
) -> datetime | None:
    """Record a sync outcome; returns the account's new ``next_sync_at``. The backoff ends at
    ``regain_at``, or ``regain_in`` after now (the database's clock unless ``now`` is given)."""
    sql = (
        "select meta_sync.update_meta_sync_status(%(account)s, %(outcome)s, %(error)s, "
        f"coalesce(%(regain)s::timestamptz, {_NOW} + %(regain_in)s::interval), %(fresh)s::date,"
        f" {_NOW})"
    )
    result: datetime | None = await _scalar(
        conn,
        sql,
        {
            "account": account_id,
            "outcome": outcome,
            "error": error,
            "regain": regain_at,
            "regain_in": regain_in,
            "fresh": fresh_through,
            "now": now,
        },
    )
    return result


async def start_account_onboarding(conn: Conn, account_id: str, now: datetime | None = None) -> int:
    """Phase 1 of onboarding (idempotent): the job id."""
    sql = f"select meta_sync.start_account_onboarding(%(account)s, {_NOW})"
    return int(await _scalar(conn, sql, {"account": account_id, "now": now}))


async def enqueue_historical_backfill(
    conn: Conn, account_id: str, now: datetime | None = None
) -> int | None:
    """Phase 2 of onboarding: the job id, or None when there is nothing older than phase 1."""
    sql = f"select meta_sync.enqueue_historical_backfill(%(account)s, {_NOW})"
    result = await _scalar(conn, sql, {"account": account_id, "now": now})
    return None if result is None else int(result)


async def finish_onboarding_phase(
    conn: Conn, job_id: int, now: datetime | None = None
) -> int | None:
    """Onboarding bookkeeping of a final job; the phase-2 job id when phase 1 enqueued one."""
    sql = f"select meta_sync.finish_onboarding_phase(%(job)s, {_NOW})"
    result = await _scalar(conn, sql, {"job": job_id, "now": now})
    return None if result is None else int(result)


async def enqueue_due_syncs(
    conn: Conn, limit: int = 1000, now: datetime | None = None
) -> list[EnqueuedJob]:
    """Create the jobs the schedule asks for now (onboarding, incremental, settle)."""
    sql = f"select * from meta_sync.enqueue_due_syncs(%(limit)s, {_NOW})"
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql.encode(), {"limit": limit, "now": now})
        rows = await cur.fetchall()
    return [EnqueuedJob(int(r["job_id"]), str(r["account_id"]), str(r["sync_phase"])) for r in rows]


@dataclass(frozen=True)
class TierWindow:
    """An account's "today" (its time zone, the database's clock) and its tier's re-read days."""

    today: date
    date_range_days: int


async def tier_window(conn: Conn, account_id: str) -> TierWindow | None:
    """None when there is no such account."""
    sql = (
        "select (now() at time zone a.timezone_name)::date, c.date_range_days"
        " from meta_sync.meta_ad_accounts a join meta_sync.meta_sync_config c"
        " on c.tier = a.meta_sync_priority where a.id = %(account)s"
    )
    async with translated(), conn.cursor() as cur:
        await cur.execute(sql.encode(), {"account": account_id})
        row = await cur.fetchone()
    return None if row is None else TierWindow(row[0], int(row[1]))
