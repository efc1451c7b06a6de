"""Processing stored webhook events, each change alone: one bad change never stops the others.

``process_pending_webhook_events`` claims unfinished events (``FOR UPDATE SKIP LOCKED`` with a
short lease, so concurrent passes never process one twice) and applies each in its own
transaction:

- ``with_issues_ad_objects``: ``issues_info`` of the ad / ad set / campaign := ``[value]``,
  ``effective_status`` := the given one, else ``WITH_ISSUES``;
- ``in_process_ad_objects``: ``effective_status`` := the given ``status_name`` /
  ``effective_status``, else ``IN_PROCESS``;
- both: ``meta_sync.request_webhook_resync(account)`` (one structure re-sync job per account).

An account not synced here, or another field, leaves the event ``ignored``; an invalid change
leaves it ``failed`` with the reason in ``error``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from metasync.redaction import redact

log = logging.getLogger(__name__)

HANDLED_FIELDS = frozenset({"with_issues_ad_objects", "in_process_ad_objects"})
_TABLE_BY_LEVEL = {
    "AD": "meta_ads",
    "ADSET": "meta_adsets",
    "AD_SET": "meta_adsets",
    "CAMPAIGN": "meta_campaigns",
}
_ISSUE_KEYS = ("level", "error_code", "error_summary", "error_message", "error_type")
_FALLBACK_STATUS = {"with_issues_ad_objects": "WITH_ISSUES", "in_process_ad_objects": "IN_PROCESS"}


class InvalidChange(ValueError):
    """The change's value cannot be applied (not an object, bad id, unknown level)."""


@dataclass(frozen=True)
class WebhookEvent:
    id: int
    field: str
    value: Any
    account_id: str | None


@dataclass
class PassResult:
    processed: int = 0
    ignored: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.processed + self.ignored + self.failed


async def process_pending_webhook_events(
    conn: psycopg.AsyncConnection[Any],
    *,
    now: datetime | None = None,
    batch_size: int = 100,
    lease: timedelta = timedelta(minutes=2),
) -> PassResult:
    """Process every unfinished event (pending, or processing with an expired lease).

    ``conn`` must be an autocommit connection: each claim and each change commits on its own.
    """
    result = PassResult()
    while events := await _claim(conn, now or datetime.now(UTC), batch_size, lease):
        for event in events:
            status = await process_event(conn, event, now or datetime.now(UTC))
            setattr(result, status, getattr(result, status) + 1)
    return result


async def _claim(
    conn: psycopg.AsyncConnection[Any], now: datetime, limit: int, lease: timedelta
) -> list[WebhookEvent]:
    async with conn.transaction():
        cur = await conn.execute(
            """
            with claimable as (
              select e.id from meta_sync.webhook_events e
              where e.status = 'pending' or (e.status = 'processing' and e.locked_until < %(now)s)
              order by e.id
              limit %(limit)s
              for update skip locked
            )
            update meta_sync.webhook_events e
            set status = 'processing', attempts = e.attempts + 1, locked_until = %(until)s
            from claimable c
            where e.id = c.id
            returning e.id, e.field, e.value, e.account_id
            """,
            {"now": now, "limit": limit, "until": now + lease},
        )
        rows = await cur.fetchall()
    return sorted((WebhookEvent(*row) for row in rows), key=lambda e: e.id)


async def process_event(
    conn: psycopg.AsyncConnection[Any], event: WebhookEvent, now: datetime
) -> str:
    """Apply one claimed event in its own transaction; its final status."""
    job_id: int | None = None
    try:
        async with conn.transaction():
            status, job_id, note = await _apply(conn, event, now)
            await _finish(conn, event.id, status, job_id, note, now)
        return status
    except Exception as exc:
        error = redact(f"{type(exc).__name__}: {exc}")[:1000]
        log.warning("webhook change failed", extra={"event_id": event.id, "error": error})
        async with conn.transaction():
            await _finish(conn, event.id, "failed", None, error, now)
        return "failed"


async def _finish(
    conn: psycopg.AsyncConnection[Any],
    event_id: int,
    status: str,
    job_id: int | None,
    note: str | None,
    now: datetime,
) -> None:
    await conn.execute(
        """
        update meta_sync.webhook_events
        set status = %s, sync_job_id = %s, error = %s, processed_at = %s, locked_until = null
        where id = %s
        """,
        (status, job_id, note, now, event_id),
    )


async def _apply(
    conn: psycopg.AsyncConnection[Any], event: WebhookEvent, now: datetime
) -> tuple[str, int | None, str | None]:
    if event.field not in HANDLED_FIELDS:
        return "ignored", None, f"field {event.field!r} is not handled"
    object_id, tables, assignments = _entity_update(event.field, event.value)
    if event.account_id is None:
        return "ignored", None, "not an ad account entry"
    cur = await conn.execute(
        "select meta_sync.request_webhook_resync(%s, %s)", (event.account_id, now)
    )
    row = await cur.fetchone()
    job_id = None if row is None else row[0]
    if job_id is None:
        return "ignored", None, f"account {event.account_id} is not synced here"
    for table in tables:
        await _update_entity(conn, table, event.account_id, object_id, assignments)
    return "processed", int(job_id), None


def _entity_update(field: str, value: Any) -> tuple[str, list[str], dict[str, Any]]:
    """(object id, candidate tables, column -> new value) for a change; InvalidChange if bad."""
    if not isinstance(value, dict):
        raise InvalidChange(f"value of {field} is not an object")
    object_id = str(value.get("id", ""))
    if not object_id.isdigit() or len(object_id) > 25:
        raise InvalidChange(f"value of {field} has no valid object id")
    level = str(value.get("level") or "").upper()
    if level and level not in _TABLE_BY_LEVEL:
        raise InvalidChange(f"unknown object level {level[:40]!r}")
    tables = [_TABLE_BY_LEVEL[level]] if level else sorted(set(_TABLE_BY_LEVEL.values()))
    given = value.get("effective_status") or value.get("status_name")
    assignments: dict[str, Any] = {
        "effective_status": str(given) if given else _FALLBACK_STATUS[field]
    }
    if field == "with_issues_ad_objects":
        issue = {k: value[k] for k in _ISSUE_KEYS if k in value}
        assignments["issues_info"] = Jsonb([issue])
    return object_id, tables, assignments


async def _update_entity(
    conn: psycopg.AsyncConnection[Any],
    table: str,
    account_id: str,
    object_id: str,
    assignments: dict[str, Any],
) -> None:
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
