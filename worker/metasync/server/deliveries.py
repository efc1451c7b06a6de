"""Meta webhook deliveries: parse a signed body into changes, and store them deduplicated.

A delivery is ``{"object": "ad_account", "entry": [{"id", "time", "changes": [{"field",
"value"}]}]}``. Only the shape needed to store a change is checked here; what a change means is
checked when it is processed, so one bad change is stored and fails alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

SUPPORTED_OBJECTS = frozenset({"ad_account"})
MAX_CHANGES = 5000


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
    changes = [change for entry in entries for change in _entry_changes(object_type, entry)]
    if len(changes) > MAX_CHANGES:
        raise UnsupportedDelivery(f"more than {MAX_CHANGES} changes in one delivery")
    return changes


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
    conn: psycopg.AsyncConnection[Any], changes: list[Change], now: datetime
) -> list[int]:
    """Insert the changes not stored yet (by dedupe key), in one statement; the new row ids."""
    if not changes:
        return []
    cur = await conn.execute(
        """
        insert into meta_sync.webhook_events
          (dedupe_key, object_type, entry_id, entry_time, field, value, account_id,
           organization_id, received_at)
        select d.dedupe_key, d.object_type, d.entry_id, d.entry_time, d.field, d.value::jsonb,
               d.account_id, a.organization_id, %(now)s
        from unnest(%(keys)s::text[], %(objects)s::text[], %(entries)s::text[],
                    %(times)s::timestamptz[], %(fields)s::text[], %(values)s::text[],
                    %(accounts)s::text[])
             with ordinality as d(dedupe_key, object_type, entry_id, entry_time, field, value,
                                  account_id, ord)
        left join meta_sync.meta_ad_accounts a on a.id = d.account_id
        order by d.ord
        on conflict (dedupe_key) do nothing
        returning id
        """,
        {
            "now": now,
            "keys": [c.dedupe_key for c in changes],
            "objects": [c.object_type for c in changes],
            "entries": [c.entry_id for c in changes],
            "times": [c.entry_time for c in changes],
            "fields": [c.field for c in changes],
            "values": [canonical_json(c.value) for c in changes],
            "accounts": [c.account_id for c in changes],
        },
    )
    return [int(row[0]) for row in await cur.fetchall()]
