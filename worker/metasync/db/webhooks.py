"""The webhook event queue from Python: one async function per SQL function in ``sql/035x``.

The caller owns the connection and its transaction; ``now`` is passed as ``p_now`` (``None``:
the database's clock). SQL refusals arrive as :mod:`metasync.db.errors` exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.types.json import Jsonb

from metasync.db.errors import translated

Conn = AsyncConnection[Any]

# Entity tables a webhook may name, by Meta's object level.
ENTITY_TABLES = frozenset({"meta_ads", "meta_adsets", "meta_campaigns"})


@dataclass(frozen=True)
class StoredChange:
    """One change of a delivery as ``record_webhook_events`` stores it."""

    dedupe_key: str
    object_type: str
    entry_id: str
    entry_time: datetime | None
    field: str
    value: Any
    account_id: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "dedupe_key": self.dedupe_key,
            "object_type": self.object_type,
            "entry_id": self.entry_id,
            "entry_time": self.entry_time.isoformat() if self.entry_time else None,
            "field": self.field,
            "value": self.value,
            "account_id": self.account_id,
        }


@dataclass(frozen=True)
class WebhookEvent:
    """A claimed event: processing, leased to this pass."""

    id: int
    field: str
    value: Any
    account_id: str | None
    attempts: int = 1


async def record_webhook_events(
    conn: Conn, changes: Sequence[StoredChange], now: datetime | None = None
) -> int:
    """Store the changes not stored yet (by dedupe key), in one call; how many were new."""
    if not changes:
        return 0
    async with translated():
        cur = await conn.execute(
            "select meta_sync.record_webhook_events(%s, coalesce(%s, now()))",
            (Jsonb([c.as_json() for c in changes]), now),
        )
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def claim_webhook_events(
    conn: Conn, limit: int, lease: timedelta, now: datetime | None = None
) -> list[WebhookEvent]:
    """Claim up to ``limit`` unfinished events (SKIP LOCKED), oldest first."""
    async with translated():
        cur = await conn.execute(
            "select event_id, field, value, account_id, attempts"
            " from meta_sync.claim_webhook_events(%s, %s, coalesce(%s, now()))",
            (limit, max(1, int(lease.total_seconds())), now),
        )
        rows = await cur.fetchall()
    return sorted((WebhookEvent(*row) for row in rows), key=lambda e: e.id)


async def finish_webhook_event(
    conn: Conn,
    event_id: int,
    status: str,
    job_id: int | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """End a claimed event as ``processed`` or ``ignored``."""
    async with translated():
        await conn.execute(
            "select meta_sync.finish_webhook_event(%s, %s, %s, %s, coalesce(%s, now()))",
            (event_id, status, job_id, note, now),
        )


async def finish_webhook_events(
    conn: Conn,
    event_ids: Sequence[int],
    status: str,
    job_ids: Sequence[int | None] | None = None,
    notes: Sequence[str | None] | None = None,
    now: datetime | None = None,
) -> int:
    """End many claimed events in one statement; how many."""
    if not event_ids:
        return 0
    async with translated():
        cur = await conn.execute(
            "select meta_sync.finish_webhook_events(%s, %s, %s, %s, coalesce(%s, now()))",
            (list(event_ids), status, None if job_ids is None else list(job_ids),
             None if notes is None else list(notes), now),
        )  # fmt: skip
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def fail_webhook_event(
    conn: Conn, event_id: int, error: str, now: datetime | None = None
) -> None:
    """End a claimed event as ``failed`` with the reason."""
    async with translated():
        await conn.execute(
            "select meta_sync.fail_webhook_event(%s, %s, coalesce(%s, now()))",
            (event_id, error, now),
        )


async def request_webhook_resync(
    conn: Conn, account_id: str, now: datetime | None = None
) -> int | None:
    """The open webhook job that will read the account's change; None: not synced here."""
    async with translated():
        cur = await conn.execute(
            "select meta_sync.request_webhook_resync(%s, coalesce(%s, now()))", (account_id, now)
        )
        row = await cur.fetchone()
    return None if row is None or row[0] is None else int(row[0])


async def update_webhook_object(
    conn: Conn, table: str, account_id: str, object_id: str, assignments: dict[str, Any]
) -> None:
    """Set the columns a webhook change names on one ad, ad set or campaign of the account."""
    if table not in ENTITY_TABLES:
        raise ValueError(f"not an entity table: {table!r}")
    query = sql.SQL(
        "update {table} set {sets} where id = %(id)s and account_id = %(account)s"
    ).format(
        table=sql.Identifier("meta_sync", table),
        sets=sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(col), sql.Placeholder(col))
            for col in assignments
        ),
    )
    await conn.execute(query, {**assignments, "id": object_id, "account": account_id})
