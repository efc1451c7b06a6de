"""Templates (package data, Jinja2 with autoescape) and the small formatting filters they use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import jinja2

STATE_LABELS = {
    "active": "active",
    "paused": "paused",
    "token_expired": "token expired",
    "backing_off": "backing off",
    "throttled": "throttled",
}
PHASE_LABELS = {
    "recent_window": "phase 1 (recent days)",
    "historical_backfill": "phase 2 (history)",
    "incremental": "incremental",
    "settle": "settle",
    "manual": "manual",
    "webhook": "webhook",
}


def when(value: datetime | None) -> str:
    """A timestamp in UTC, minutes precision."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: float | Decimal | int | None) -> str:
    if seconds is None:
        return "—"
    total = int(seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def relative(value: datetime | None, now: datetime | None = None) -> str:
    """ "in 12 min" / "3 min ago"."""
    if value is None:
        return "—"
    delta = (value - (now or datetime.now(UTC))).total_seconds()
    if abs(delta) < 30:
        return "now"
    return f"in {duration(delta)}" if delta > 0 else f"{duration(-delta)} ago"


def day(value: date | None) -> str:
    return "—" if value is None else value.isoformat()


def pct(value: Decimal | float | int | None) -> str:
    return "—" if value is None else f"{float(value):.0f} %"


def number(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return f"{float(value):,.2f}".replace(",", " ")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("metasync.console", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters: dict[str, Any] = {
        "when": when,
        "duration": duration,
        "relative": relative,
        "day": day,
        "pct": pct,
        "number": number,
        "state_label": lambda s: STATE_LABELS.get(s, s),
        "phase_label": lambda p: PHASE_LABELS.get(str(p), str(p)),
    }
    env.filters.update(filters)
    return env
