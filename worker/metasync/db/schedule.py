"""The schedule's one pause and its tier table from Python (``pause_schedule``,
``resume_schedule``, ``schedule_state``; ``set_sync_config``, ``meta_sync_config``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from metasync.db._query import Conn, rows, scalar

_NOW = "coalesce(%(now)s::timestamptz, now())"
CONFIG_FIELDS = (
    "interval_minutes", "date_range_days", "settle_lookback_days", "settle_interval_minutes",
    "structure_refresh_minutes", "hourly_enabled",
)  # fmt: skip
_CONFIG_COLUMNS = (
    "tier::text, interval_minutes, date_range_days, settle_lookback_days,"
    " settle_interval_minutes, structure_refresh_minutes, hourly_enabled"
)


@dataclass(frozen=True)
class ScheduleState:
    paused: bool
    paused_at: datetime | None
    paused_by: str | None
    reason: str | None


async def pause_schedule(
    conn: Conn, by: str | None = None, reason: str | None = None, now: datetime | None = None
) -> datetime:
    """Pause the schedule (idempotent); since when it is paused."""
    sql = f"select meta_sync.pause_schedule(%(by)s, %(reason)s, {_NOW})"
    result: datetime = await scalar(conn, sql, {"by": by, "reason": reason, "now": now})
    return result


async def resume_schedule(conn: Conn, now: datetime | None = None) -> bool:
    """Resume the schedule; whether it was paused."""
    return bool(await scalar(conn, f"select meta_sync.resume_schedule({_NOW})", {"now": now}))


async def schedule_state(conn: Conn) -> ScheduleState:
    found = await rows(
        conn, "select paused, paused_at, paused_by, reason from meta_sync.schedule_state"
    )
    if not found:
        return ScheduleState(False, None, None, None)
    return ScheduleState(**found[0])


async def get_sync_config(conn: Conn) -> list[dict[str, Any]]:
    return await rows(
        conn,
        f"select {_CONFIG_COLUMNS}, updated_at from meta_sync.meta_sync_config order by tier",
    )


async def set_sync_config(
    conn: Conn, tier: str, values: Mapping[str, int | bool | None], now: datetime | None = None
) -> dict[str, Any]:
    """Change a tier's schedule (``values``: CONFIG_FIELDS, None keeps); the new row."""
    unknown = set(values) - set(CONFIG_FIELDS)
    if unknown:
        raise TypeError(f"unknown config fields: {sorted(unknown)}")
    args = ", ".join(f"p_{n} => %({n})s" for n in CONFIG_FIELDS)
    sql = (
        f"select {_CONFIG_COLUMNS}"
        f" from meta_sync.set_sync_config(%(tier)s, {args}, p_now => {_NOW})"
    )
    params = {n: values.get(n) for n in CONFIG_FIELDS}
    return (await rows(conn, sql, {**params, "tier": tier, "now": now}))[0]
