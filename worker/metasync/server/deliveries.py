"""Meta webhook deliveries: parse a signed body into changes, and store them deduplicated.

A delivery is ``{"object": "ad_account", "entry": [{"id", "time", "changes": [{"field",
"value"}]}]}``. Only the shape needed to store a change is checked here; what a change means is
checked when it is processed, so one bad change is stored and fails alone. There is no limit
on the number of changes: a delivery is stored in one transaction (statements of 1 000
changes) and processed in batches later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from metasync.db.webhooks import StoredChange, record_webhook_events

SUPPORTED_OBJECTS = frozenset({"ad_account"})
STORE_SLICE = 1000  # changes per record_webhook_events statement


class UnsupportedDelivery(ValueError):
    """The JSON is not a webhook delivery we accept (unknown object, wrong shape): 422."""


@dataclass(frozen=True)
class Change:
    object_type: str
    entry_id: str
    entry_time: datetime | None
    field: str
    value: Any
    dedupe_key: str

    @property
    def account_id(self) -> str | None:
        if self.object_type == "ad_account" and self.entry_id.isdigit():
            return f"act_{self.entry_id}"
        return None


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dedupe_key(entry_id: str, entry_time: Any, field: str, value: Any) -> str:
    """sha256 of entry id, time, field and the canonical JSON of the value (hex)."""
    material = "\x1f".join((entry_id, canonical_json(entry_time), field, canonical_json(value)))
    return hashlib.sha256(material.encode()).hexdigest()


def parse_delivery(payload: Any) -> list[Change]:
    """The changes of a delivery, in order; UnsupportedDelivery when it is not one."""
    if not isinstance(payload, dict):
        raise UnsupportedDelivery("body is not a JSON object")
    object_type = payload.get("object")
    if object_type not in SUPPORTED_OBJECTS:
        raise UnsupportedDelivery(f"unsupported webhook object {str(object_type)[:40]!r}")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise UnsupportedDelivery("'entry' is not a list")
    return [change for entry in entries for change in _entry_changes(object_type, entry)]


def _entry_changes(object_type: str, entry: Any) -> list[Change]:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str | int):
        raise UnsupportedDelivery("an entry has no id")
    entry_id, raw_time = str(entry["id"]), entry.get("time")
    entry_time = _entry_time(raw_time)
    changes = entry.get("changes")
    if not isinstance(changes, list):
        raise UnsupportedDelivery(f"entry {entry_id[:30]} has no 'changes' list")
    result = []
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("field"), str):
            raise UnsupportedDelivery(f"a change of entry {entry_id[:30]} has no field")
        field, value = change["field"], change.get("value")
        key = dedupe_key(entry_id, raw_time, field, value)
        result.append(Change(object_type, entry_id, entry_time, field, value, key))
    return result


def _entry_time(raw: Any) -> datetime | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 0 <= raw < 1e11:
        return datetime.fromtimestamp(raw, UTC)
    return None


async def store_changes(
    conn: psycopg.AsyncConnection[Any], changes: list[Change], now: datetime | None = None
) -> int:
    """Store the changes not stored yet (by dedupe key); how many were new. A large delivery
    goes in slices of ``STORE_SLICE`` changes, each statement well inside the handler's
    statement budget, in the caller's one transaction (all or nothing)."""
    stored = [
        StoredChange(c.dedupe_key, c.object_type, c.entry_id, c.entry_time, c.field, c.value,
                     c.account_id)
        for c in changes
    ]  # fmt: skip
    new = 0
    for start in range(0, len(stored), STORE_SLICE):
        new += await record_webhook_events(conn, stored[start : start + STORE_SLICE], now)
    return new
