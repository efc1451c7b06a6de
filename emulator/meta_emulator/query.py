"""Parsing and validating insights parameters into a `Query` (pure: "today" is an argument).

Every list parameter is read as a comma list or a JSON array (`params.list_param`); dates come
from `dates`; breakdown combinations are checked against Meta's table (`breakdowns`)."""

from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from meta_emulator import catalog
from meta_emulator.breakdowns import check_combination
from meta_emulator.dates import minus_months, parse_ranges
from meta_emulator.errors import invalid
from meta_emulator.filters import Rule, parse_rules
from meta_emulator.params import bool_param, list_param

__all__ = ["LEVELS", "Query", "minus_months", "parse_query"]

LEVELS = ("account", "campaign", "adset", "ad")
DEFAULT_FIELDS = ("impressions", "spend")
ENTITY_FILTERS = frozenset(
    {f"{lvl}.{attr}" for lvl in ("campaign", "adset", "ad") for attr in ("id", "name")}
    | {f"{lvl}.effective_status" for lvl in ("campaign", "adset", "ad")}
    | {"campaign.objective"}
)
METRIC_FILTERS = frozenset(
    [
        "impressions",
        "clicks",
        "spend",
        "reach",
        "frequency",
        "ctr",
        "cpc",
        "cpm",
        "inline_link_clicks",
        "unique_clicks",
    ]
)
SUMMARIZABLE = frozenset(catalog.INSIGHTS) - {"date_start", "date_stop"}


@dataclass(frozen=True)
class Query:
    level: str
    fields: tuple[str, ...]
    since: date
    until: date
    increment: str  # "1".."90", "all_days" or "monthly"
    windows: tuple[str, ...]
    filters: tuple[Rule, ...]
    breakdowns: tuple[str, ...] = ()
    action_breakdowns: tuple[str, ...] = ("action_type",)
    ranges: tuple[tuple[date, date], ...] = ()  # time_ranges: one result per range
    sort: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    summary: tuple[str, ...] | None = None  # summary fields (None: no summary)

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
                [(r.field, r.operator, r.value) for r in self.filters],
                self.breakdowns,
                self.action_breakdowns,
                [(str(a), str(b)) for a, b in self.ranges],
                self.sort,
                self.summary,
            ]
        )
        return hashlib.sha1(raw.encode()).hexdigest()[:12]  # noqa: S324 - not security

    def entity_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.filters if r.field in ENTITY_FILTERS)

    def metric_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.filters if r.field in METRIC_FILTERS)

    def buckets(self) -> list[tuple[int, int]]:
        """Inclusive (first, last) day ordinals of each output period."""
        if self.ranges:
            return [(a.toordinal(), b.toordinal()) for a, b in self.ranges]
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


def parse_query(params: dict[str, str], today: date, default_level: str) -> Query:
    level = params.get("level", default_level)
    if level not in LEVELS:
        raise invalid(f"level must be one of {', '.join(LEVELS)}")
    fields = _fields(params)
    ranges = parse_ranges(params, today)
    increment = _increment(params)
    breakdowns = list_param(params, "breakdowns") or ()
    actions = list_param(params, "action_breakdowns")
    actions = ("action_type",) if actions is None else actions
    check_combination(breakdowns, actions)
    for name in ("use_unified_attribution_setting", "use_account_attribution_setting"):
        bool_param(params, name)  # validated; the default `value` already is the ad set's
    return Query(
        level,
        fields,
        min(a for a, _ in ranges),
        max(b for _, b in ranges),
        "all_days" if "time_ranges" in params else increment,
        _windows(params),
        parse_rules(params["filtering"], ENTITY_FILTERS | METRIC_FILTERS)
        if "filtering" in params
        else (),
        breakdowns,
        actions,
        ranges if "time_ranges" in params else (),
        _sort(params),
        _summary(params, fields),
    )


def _increment(params: dict[str, str]) -> str:
    increment = params.get("time_increment", "all_days")
    if increment not in ("all_days", "monthly") and not (
        increment.isdigit() and 1 <= int(increment) <= 90
    ):
        raise invalid("time_increment must be all_days, monthly or an integer between 1 and 90")
    return str(int(increment)) if increment.isdigit() else increment


def _windows(params: dict[str, str]) -> tuple[str, ...]:
    """Windows asked for. Names Meta knows but no longer returns (7d_view, 28d_view) or the
    emulator does not model are accepted and left out of the rows, as Meta leaves them out."""
    windows = list_param(params, "action_attribution_windows") or ()
    bad = [w for w in windows if w not in catalog.ATTRIBUTION_WINDOWS]
    if bad:
        raise invalid(f"action_attribution_windows[{windows.index(bad[0])}] is not valid")
    return windows


def _fields(params: dict[str, str]) -> tuple[str, ...]:
    fields = list_param(params, "fields") or DEFAULT_FIELDS
    for name in fields:
        if name not in catalog.INSIGHTS:
            raise invalid(
                f"{name} is not valid for fields param. please check "
                "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ "
                "for all valid values"
            )
    return fields


def _sort(params: dict[str, str]) -> tuple[tuple[str, bool], ...]:
    out = []
    for item in list_param(params, "sort") or ():
        field, _, order = item.rpartition("_")
        if order not in ("ascending", "descending") or field not in catalog.INSIGHTS:
            raise invalid(f"sort: {item} is not <field>_ascending or <field>_descending")
        out.append((field, order == "descending"))
    return tuple(out)


def _summary(params: dict[str, str], fields: tuple[str, ...]) -> tuple[str, ...] | None:
    """``summary=[fields]`` or ``default_summary=true`` (the query's own fields). A bare
    ``summary=true`` (what the SDK's cursor sends) asks for nothing on insights."""
    raw = params.get("summary", "").strip().lower()
    if raw in ("true", "false", "1", "0"):
        names: tuple[str, ...] = ()
    else:
        names = list_param(params, "summary") or ()
    for name in names:
        if name not in SUMMARIZABLE:
            raise invalid(f"summary: {name} is not a summary field")
    if bool_param(params, "default_summary"):
        names = tuple(dict.fromkeys((*fields, *names)))
    return names or None
