"""Processing stored webhook events in batches, each change alone: one bad change never stops
the others.

``process_pending_webhook_events`` claims batches of unfinished events with
``meta_sync.claim_webhook_events`` (``FOR UPDATE SKIP LOCKED`` with a short lease, so concurrent
passes never process one twice) and, per batch:

- ends the events it ignores in one statement (``finish_webhook_events``);
- asks ``meta_sync.request_webhook_resync`` once per account of the batch (one open structure
  re-sync job per account; a burst of changes shares its one pending structure chunk);
- applies the changes of one account in one transaction (each alone, in its own transaction,
  when that fails, so one bad change fails alone) and ends them with ``finish_webhook_events``:
  ``with_issues_ad_objects``: ``issues_info`` of the ad / ad set / campaign := ``[value]``,
  ``effective_status`` := the given one, else ``WITH_ISSUES``; ``in_process_ad_objects``:
  ``effective_status`` := the given ``status_name`` / ``effective_status``, else ``IN_PROCESS``.

An account not synced here, or another field, leaves the event ``ignored``; an invalid change
leaves it ``failed`` (``fail_webhook_event``) with the reason in ``error``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from metasync.db.webhooks import (
    WebhookEvent,
    claim_webhook_events,
    fail_webhook_event,
    finish_webhook_event,
    finish_webhook_events,
    request_webhook_resync,
    update_webhook_object,
)
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
class EntityUpdate:
    object_id: str
    tables: tuple[str, ...]
    assignments: dict[str, Any]


@dataclass
class PassResult:
    processed: int = 0
    ignored: int = 0
    failed: int = 0
    batches: int = 0

    @property
    def total(self) -> int:
        return self.processed + self.ignored + self.failed

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)


async def process_pending_webhook_events(
    conn: psycopg.AsyncConnection[Any],
    *,
    now: datetime | None = None,
    batch_size: int = 500,
    lease: timedelta = timedelta(minutes=2),
) -> PassResult:
    """Process every unfinished event (pending, or processing with an expired lease), a batch
    at a time. ``conn`` must be an autocommit connection: each claim and each change commits
    on its own. ``now`` None: the database's clock."""
    result = PassResult()
    while events := await claim_webhook_events(conn, batch_size, lease, now):
        await process_batch(conn, events, now, result)
        result.batches += 1
    return result


async def process_batch(
    conn: psycopg.AsyncConnection[Any],
    events: list[WebhookEvent],
    now: datetime | None,
    result: PassResult,
) -> None:
    """One claimed batch: the ignored events end in one statement, each account gets one
    re-sync request and its changes are applied in one transaction (one by one if that fails,
    so a bad change fails alone)."""
    planned: dict[str, list[tuple[WebhookEvent, EntityUpdate]]] = {}
    ignored: list[tuple[int, str]] = []
    for event in events:
        try:
            update = plan_event(event)
        except InvalidChange as exc:
            await _fail(conn, event, f"{type(exc).__name__}: {exc}", now, result)
            continue
        if update is None or event.account_id is None:
            ignored.append((event.id, _ignore_reason(event)))
        else:
            planned.setdefault(event.account_id, []).append((event, update))
    jobs = await _resync_accounts(conn, set(planned), now)
    for account, items in planned.items():
        if jobs.get(account) is None:
            ignored += [(e.id, f"account {account} is not synced here") for e, _ in items]
        else:
            await apply_account(conn, account, items, jobs[account], now, result)
    await _finish_ignored(conn, ignored, now, result)


async def _finish_ignored(
    conn: psycopg.AsyncConnection[Any],
    ignored: list[tuple[int, str]],
    now: datetime | None,
    result: PassResult,
) -> None:
    if ignored:
        async with conn.transaction():
            notes = [note for _, note in ignored]
            await finish_webhook_events(conn, [i for i, _ in ignored], "ignored", None, notes, now)
        result.ignored += len(ignored)


async def apply_account(
    conn: psycopg.AsyncConnection[Any],
    account: str,
    items: list[tuple[WebhookEvent, EntityUpdate]],
    job_id: int | None,
    now: datetime | None,
    result: PassResult,
) -> None:
    """All changes of one account in one transaction; on any error, each alone."""
    try:
        async with conn.transaction():
            for _, update in items:
                await _update_objects(conn, account, update)
            ids = [e.id for e, _ in items]
            await finish_webhook_events(conn, ids, "processed", [job_id] * len(ids), None, now)
        result.processed += len(items)
    except Exception:
        for event, update in items:
            await apply_event(conn, event, update, job_id, now, result)


async def _update_objects(
    conn: psycopg.AsyncConnection[Any], account: str, update: EntityUpdate
) -> None:
    for table in update.tables:
        await update_webhook_object(conn, table, account, update.object_id, update.assignments)


def _ignore_reason(event: WebhookEvent) -> str:
    if event.field not in HANDLED_FIELDS:
        return f"field {event.field!r} is not handled"
    return "not an ad account entry"


async def _resync_accounts(
    conn: psycopg.AsyncConnection[Any], accounts: set[str], now: datetime | None
) -> dict[str, int | None]:
    jobs: dict[str, int | None] = {}
    for account in sorted(accounts):
        async with conn.transaction():
            jobs[account] = await request_webhook_resync(conn, account, now)
    return jobs


async def apply_event(
    conn: psycopg.AsyncConnection[Any],
    event: WebhookEvent,
    update: EntityUpdate,
    job_id: int | None,
    now: datetime | None,
    result: PassResult,
) -> None:
    """Apply one claimed event in its own transaction and end it."""
    account = event.account_id or ""
    try:
        async with conn.transaction():
            if job_id is None:
                note = f"account {account} is not synced here"
                await finish_webhook_event(conn, event.id, "ignored", None, note, now)
                result.count("ignored")
                return
            await _update_objects(conn, account, update)
            await finish_webhook_event(conn, event.id, "processed", job_id, None, now)
        result.count("processed")
    except Exception as exc:
        await _fail(conn, event, f"{type(exc).__name__}: {exc}", now, result)


async def _fail(
    conn: psycopg.AsyncConnection[Any],
    event: WebhookEvent,
    error: str,
    now: datetime | None,
    result: PassResult,
) -> None:
    error = redact(error)[:1000]
    log.warning("webhook change failed", extra={"event_id": event.id, "error": error})
    async with conn.transaction():
        await fail_webhook_event(conn, event.id, error, now)
    result.count("failed")


def plan_event(event: WebhookEvent) -> EntityUpdate | None:
    """What the event changes; None for a field that is not handled; InvalidChange if bad."""
    if event.field not in HANDLED_FIELDS:
        return None
    return entity_update(event.field, event.value)


def entity_update(field: str, value: Any) -> EntityUpdate:
    """(object id, candidate tables, column -> new value) for a change; InvalidChange if bad."""
    if not isinstance(value, dict):
        raise InvalidChange(f"value of {field} is not an object")
    object_id = str(value.get("id", ""))
    if not object_id.isdigit() or len(object_id) > 25:
        raise InvalidChange(f"value of {field} has no valid object id")
    level = str(value.get("level") or "").upper()
    if level and level not in _TABLE_BY_LEVEL:
        raise InvalidChange(f"unknown object level {level[:40]!r}")
    tables = (_TABLE_BY_LEVEL[level],) if level else tuple(sorted(set(_TABLE_BY_LEVEL.values())))
    given = value.get("effective_status") or value.get("status_name")
    assignments: dict[str, Any] = {
        "effective_status": str(given) if given else _FALLBACK_STATUS[field]
    }
    if field == "with_issues_ad_objects":
        issue = {k: value[k] for k in _ISSUE_KEYS if k in value}
        assignments["issues_info"] = Jsonb([issue])
    return EntityUpdate(object_id, tables, assignments)
