"""Parsing and validating insights parameters into a `Query` (pure: "today" is an argument)."""

from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from meta_emulator.breakdowns import DIMENSIONS
from meta_emulator.errors import ErrorReply, invalid
from meta_emulator.metrics import WINDOWS

LEVELS = ("account", "campaign", "adset", "ad")
ID_FIELDS = {
    "account": ("account_id", "account_name", "account_currency"),
    "campaign": ("campaign_id", "campaign_name", "objective"),
    "adset": ("adset_id", "adset_name"),
    "ad": ("ad_id", "ad_name"),
}
METRIC_FIELDS = (
    "impressions",
    "clicks",
    "spend",
    "reach",
    "frequency",
    "ctr",
    "cpc",
    "cpm",
    "inline_link_clicks",
    "actions",
    "action_values",
    "cost_per_action_type",
    "purchase_roas",
    "date_start",
    "date_stop",
)
ALL_FIELDS = frozenset(METRIC_FIELDS) | {f for fs in ID_FIELDS.values() for f in fs}
DEFAULT_FIELDS = ("impressions", "spend")
FILTER_FIELDS = frozenset(
    f"{lvl}.{attr}" for lvl in ("campaign", "adset", "ad") for attr in ("id", "effective_status")
)
PRESET_DAYS = {
    "last_3d": 3,
    "last_7d": 7,
    "last_14d": 14,
    "last_28d": 28,
    "last_30d": 30,
    "last_90d": 90,
}


@dataclass(frozen=True)
class Query:
    level: str
    fields: tuple[str, ...]
    since: date
    until: date
    increment: str  # "1".."90", "all_days" or "monthly"
    windows: tuple[str, ...]
    filters: tuple[tuple[str, str, tuple[str, ...]], ...]
    breakdowns: tuple[str, ...] = ()

    def fingerprint(self, scope: str) -> str:
        raw = json.dumps(
            [
                scope,
                self.level,
                self.fields,
                str(self.since),
                str(self.until),
                self.increment,
                self.windows,
                self.filters,
                self.breakdowns,
            ]
        )
        return hashlib.sha1(raw.encode()).hexdigest()[:12]  # noqa: S324 - not security

    def buckets(self) -> list[tuple[int, int]]:
        """Inclusive (first, last) day ordinals of each output period."""
        first, last = self.since.toordinal(), self.until.toordinal()
        if self.increment == "all_days":
            return [(first, last)]
        if self.increment == "monthly":
            return _months(self.since, self.until)
        step = int(self.increment)
        return [(d, min(d + step - 1, last)) for d in range(first, last + 1, step)]


def _months(since: date, until: date) -> list[tuple[int, int]]:
    out, cur = [], since
    while cur <= until:
        end = date(cur.year, cur.month, calendar.monthrange(cur.year, cur.month)[1])
        out.append((cur.toordinal(), min(end, until).toordinal()))
        cur = end + timedelta(days=1)
    return out


def json_param(params: dict[str, str], name: str) -> Any:
    try:
        return json.loads(params[name])
    except (ValueError, KeyError):
        raise invalid(f"Param {name} must be a JSON value") from None


def minus_months(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def parse_range(params: dict[str, str], today: date) -> tuple[date, date]:
    if "time_range" in params:
        tr = json_param(params, "time_range")
        try:
            return date.fromisoformat(tr["since"]), date.fromisoformat(tr["until"])
        except (KeyError, TypeError, ValueError):
            raise invalid(
                "time_range must be {'since':'YYYY-MM-DD','until':'YYYY-MM-DD'}"
            ) from None
    preset = params.get("date_preset", "last_30d")
    return _preset(preset, today)


def _preset(preset: str, today: date) -> tuple[date, date]:
    yesterday = today - timedelta(days=1)
    if preset in PRESET_DAYS:
        return today - timedelta(days=PRESET_DAYS[preset]), yesterday
    oldest = minus_months(today, 37)
    simple = {
        **_calendar_presets(today),
        "today": (today, today),
        "yesterday": (yesterday, yesterday),
        "maximum": (oldest, today),
        "data_maximum": (oldest, today),
    }
    if preset not in simple:
        raise invalid(f"date_preset must be one of {', '.join([*PRESET_DAYS, *simple])}")
    return simple[preset]


def _calendar_presets(today: date) -> dict[str, tuple[date, date]]:
    """Month, quarter, year and week presets (weeks start on Monday)."""
    month = today.replace(day=1)
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    last_quarter = minus_months(quarter, 3)
    monday = today - timedelta(days=today.weekday())
    year = today.replace(month=1, day=1)
    return {
        "this_month": (month, today),
        "last_month": (minus_months(month, 1), month - timedelta(days=1)),
        "this_quarter": (quarter, today),
        "last_quarter": (last_quarter, quarter - timedelta(days=1)),
        "this_year": (year, today),
        "last_year": (year.replace(year=year.year - 1), year - timedelta(days=1)),
        "this_week_mon_today": (monday, today),
        "last_week_mon_sun": (monday - timedelta(days=7), monday - timedelta(days=1)),
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


def parse_query(params: dict[str, str], today: date, default_level: str) -> Query:
    level = params.get("level", default_level)
    if level not in LEVELS:
        raise invalid(f"level must be one of {', '.join(LEVELS)}")
    fields = _fields(params)
    since, until = parse_range(params, today)
    check_range(since, until, today)
    increment = params.get("time_increment", "all_days")
    if increment not in ("all_days", "monthly") and not (
        increment.isdigit() and 1 <= int(increment) <= 90
    ):
        raise invalid("time_increment must be all_days, monthly or an integer between 1 and 90")
    windows = (
        tuple(json_param(params, "action_attribution_windows"))
        if "action_attribution_windows" in params
        else ()
    )
    bad = [w for w in windows if w not in (*WINDOWS, "default")]
    if bad:
        raise invalid(f"action_attribution_windows: unsupported {bad}")
    return Query(
        level, fields, since, until, increment, windows, _filters(params), _breakdowns(params)
    )


def _breakdowns(params: dict[str, str]) -> tuple[str, ...]:
    raw = params.get("breakdowns", "").strip()
    names = json_param(params, "breakdowns") if raw.startswith("[") else raw.split(",")
    dims = tuple(str(n).strip() for n in names if str(n).strip())
    for dim in dims:
        if dim not in DIMENSIONS:
            raise invalid(f"breakdowns[{dim}] is not valid; supported: {', '.join(DIMENSIONS)}")
    if len(set(dims)) != len(dims):
        raise invalid("breakdowns must not repeat a dimension")
    action = params.get("action_breakdowns", "action_type").strip('[]" ')
    if action not in ("action_type", ""):
        raise invalid("action_breakdowns: only action_type is supported")
    return dims


def _fields(params: dict[str, str]) -> tuple[str, ...]:
    raw = params.get("fields")
    fields = tuple(f.strip() for f in raw.split(",") if f.strip()) if raw else DEFAULT_FIELDS
    for name in fields:
        if name not in ALL_FIELDS:
            raise invalid(f"{name} is not valid for fields param.")
    return fields


def _filters(params: dict[str, str]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    if "filtering" not in params:
        return ()
    out = []
    for item in json_param(params, "filtering"):
        if not isinstance(item, dict) or item.get("field") not in FILTER_FIELDS:
            raise invalid(f"Filtering field {item!r} is invalid")
        op = str(item.get("operator", "")).upper()
        value = item.get("value")
        values = tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
        if op not in ("IN", "NOT_IN", "EQUAL", "NOT_EQUAL"):
            raise invalid(f"Filtering operator {op} is not supported")
        out.append((str(item["field"]), op, values))
    return tuple(out)
