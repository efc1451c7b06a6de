"""Insights date parameters: ``time_range``, ``time_ranges``, ``date_preset`` (every documented
value), and the 37-month / future checks, in the account's time zone ("today" is an argument)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from meta_emulator.errors import ErrorReply, invalid
from meta_emulator.params import json_param

PRESET_DAYS = {
    "last_3d": 3,
    "last_7d": 7,
    "last_14d": 14,
    "last_28d": 28,
    "last_30d": 30,
    "last_90d": 90,
}
MAX_RANGES = 37  # time_ranges entries Meta accepts in one request (emulator limit: documented)


def minus_months(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def _one(value: Any, name: str) -> tuple[date, date]:
    try:
        return date.fromisoformat(value["since"]), date.fromisoformat(value["until"])
    except (KeyError, TypeError, ValueError):
        raise invalid(f"{name} must be {{'since':'YYYY-MM-DD','until':'YYYY-MM-DD'}}") from None


def parse_ranges(params: dict[str, str], today: date) -> tuple[tuple[date, date], ...]:
    """The requested ranges: ``time_ranges`` (one result per range, in order), else
    ``time_range``, else ``date_preset`` (default ``last_30d``)."""
    if "time_ranges" in params:
        raw = json_param(params, "time_ranges")
        if not isinstance(raw, list) or not raw:
            raise invalid("time_ranges must be a non-empty array of {since, until}")
        if len(raw) > MAX_RANGES:
            raise invalid(f"time_ranges accepts at most {MAX_RANGES} ranges")
        ranges = tuple(_one(r, "time_ranges") for r in raw)
    elif "time_range" in params:
        ranges = (_one(json_param(params, "time_range"), "time_range"),)
    else:
        ranges = (preset(params.get("date_preset", "last_30d"), today),)
    for since, until in ranges:
        check_range(since, until, today)
    return ranges


def preset(name: str, today: date) -> tuple[date, date]:
    yesterday = today - timedelta(days=1)
    if name in PRESET_DAYS:
        return today - timedelta(days=PRESET_DAYS[name]), yesterday
    oldest = minus_months(today, 37)
    simple = {
        **_calendar_presets(today),
        "today": (today, today),
        "yesterday": (yesterday, yesterday),
        "maximum": (oldest, today),
        "data_maximum": (oldest, today),
    }
    if name not in simple:
        raise invalid(f"date_preset must be one of {', '.join([*PRESET_DAYS, *simple])}")
    return simple[name]


def _calendar_presets(today: date) -> dict[str, tuple[date, date]]:
    """Month, quarter, year and week presets (weeks from Monday, or from Sunday for _sun_)."""
    month = today.replace(day=1)
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    last_quarter = minus_months(quarter, 3)
    monday = today - timedelta(days=today.weekday())
    sunday = today - timedelta(days=(today.weekday() + 1) % 7)
    year = today.replace(month=1, day=1)
    return {
        "this_month": (month, today),
        "last_month": (minus_months(month, 1), month - timedelta(days=1)),
        "this_quarter": (quarter, today),
        "last_quarter": (last_quarter, quarter - timedelta(days=1)),
        "this_year": (year, today),
        "last_year": (year.replace(year=year.year - 1), year - timedelta(days=1)),
        "this_week_mon_today": (monday, today),
        "this_week_sun_today": (sunday, today),
        "last_week_mon_sun": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "last_week_sun_sat": (sunday - timedelta(days=7), sunday - timedelta(days=1)),
    }


def check_range(since: date, until: date, today: date) -> None:
    if since > until:
        raise invalid("The since date must not be after the until date")
    if since < minus_months(today, 37):
        raise ErrorReply(
            3018,
            "(#3018) The start date of the time range cannot be beyond 37 months from the "
            "current date",
        )
    if until > today:
        raise invalid(
            "The until date of the time range cannot be in the future (account time zone)"
        )
