"""The insights engine: which ads a query covers, its output slots, and rows summed from cells.

Rows are addressed by a slot number ``group * len(buckets) + bucket`` so a page starts at its
cursor's slot without scanning earlier rows; groups are the level's objects ordered by id.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter
from typing import Any

from meta_emulator.breakdowns import combos, split
from meta_emulator.entities import Ad
from meta_emulator.filters import Rule, matches
from meta_emulator.formatting import format_row, iso_day
from meta_emulator.metrics import Cell, ad_day
from meta_emulator.query import Query, minus_months
from meta_emulator.state import effective, visible
from meta_emulator.world import AccountWorld

Row = dict[str, Any]


@dataclass(frozen=True)
class Plan:
    aw: AccountWorld
    query: Query
    groups: list[tuple[str, list[Ad]]]
    buckets: list[tuple[int, int]]
    seed: int
    today: int  # account-local date ordinal of "now"
    fraction: float  # share of today elapsed

    @property
    def slots(self) -> int:
        return len(self.groups) * len(self.buckets)

    def ad_days(self) -> int:
        """Ad-days the query scans: each ad's delivery span clipped to the range."""
        lo, hi = self.query.since.toordinal(), min(self.query.until.toordinal(), self.today)
        spans = (_span([ad]) for _, ads in self.groups for ad in ads)
        return sum(max(0, min(hi, b) - max(lo, a) + 1) for a, b in spans)

    def estimated_rows(self) -> int:
        """Output rows at most: per group, the periods overlapping its delivery span."""
        firsts = [first for first, _ in self.buckets]
        lasts = [last for _, last in self.buckets]
        total = 0
        for _, ads in self.groups:
            a, b = _span(ads)
            total += max(0, bisect_right(firsts, b) - bisect_left(lasts, a))
        return total * combos(self.query.breakdowns)


def _actual(aw: AccountWorld, ad: Ad, level: str, attr: str, t: float) -> str:
    obj: Any = (
        ad
        if level == "ad"
        else aw.adsets[ad.adset_id]
        if level == "adset"
        else aw.campaigns[ad.campaign_id]
    )
    if attr == "effective_status":
        return effective(aw, obj, t)
    return str(getattr(obj, attr))


def _matches(aw: AccountWorld, ad: Ad, query: Query, t: float) -> bool:
    has_status_filter = False
    for rule in query.entity_rules():
        level, attr = rule.field.split(".")
        has_status_filter |= attr == "effective_status"
        if not matches(_actual(aw, ad, level, attr, t), rule):
            return False
    return has_status_filter or effective(aw, ad, t) != "DELETED"


def eligible_ads(
    aw: AccountWorld, scope_kind: str, scope_id: str, query: Query, t: float
) -> list[Ad]:
    """Ads under the scope object that the query covers (deleted ones only when filtered for)."""
    attr = {"campaign": "campaign_id", "adset": "adset_id", "ad": "id"}.get(scope_kind)
    return [
        ad
        for ad in aw.ads.values()
        if (attr is None or getattr(ad, attr) == scope_id)
        and visible(ad, t)
        and _matches(aw, ad, query, t)
    ]


def make_plan(aw: AccountWorld, query: Query, ads: list[Ad], seed: int, now_local: Any) -> Plan:
    attr = {"account": "account_id", "campaign": "campaign_id", "adset": "adset_id", "ad": "id"}
    key = attrgetter(attr[query.level])
    groups: dict[str, list[Ad]] = {}
    for ad in sorted(ads, key=lambda a: a.id):
        groups.setdefault(key(ad), []).append(ad)
    if query.level == "account" and not groups:
        groups[aw.account.id] = []
    seconds = now_local.hour * 3600 + now_local.minute * 60 + now_local.second
    return Plan(
        aw,
        query,
        sorted(groups.items()),
        query.buckets(),
        seed,
        now_local.date().toordinal(),
        seconds / 86400,
    )


def _span(ads: list[Ad]) -> tuple[int, int]:
    firsts = [ad.delivery[0][0] for ad in ads if ad.delivery]
    lasts = [ad.delivery[-1][1] for ad in ads if ad.delivery]
    return (min(firsts), max(lasts)) if firsts else (1, 0)


def bucket_cell(plan: Plan, ads: list[Ad], first: int, last: int) -> Cell | None:
    """The sum of the ads' cells over days `first`..`last` (None without delivery)."""
    total: Cell | None = None
    shared = False  # `total` is still the first cell itself: copy before adding into it
    for ad in ads:
        if not ad.delivery:
            continue
        objective = plan.aw.campaigns[ad.campaign_id].objective
        stop = min(last, ad.delivery[-1][1], plan.today)
        for day in range(max(first, ad.delivery[0][0]), stop + 1):
            cell = ad_day(plan.seed, ad, objective, day, plan.today, plan.fraction)
            if cell is None:
                continue
            if total is None:
                total, shared = cell, True
                continue
            if shared:
                total, shared = total.copy(), False
            total.add(cell)
    return total


def _candidates(plan: Plan, ads: list[Ad], b0: int) -> Iterator[int]:
    """Bucket indexes from `b0` that may have delivery: for daily buckets, only delivery days."""
    if plan.query.increment != "1":
        lo, hi = _span(ads)
        for b in range(b0, len(plan.buckets)):
            first, last = plan.buckets[b]
            if last >= lo and first <= hi:
                yield b
        return
    since = plan.buckets[0][0]
    end = min(plan.buckets[-1][1], plan.today)
    days: set[int] = set()
    for ad in ads:
        for first, last in ad.delivery:
            days.update(range(max(first, since + b0), min(last, end) + 1))
    yield from (day - since for day in sorted(days))


def bucket_split(
    plan: Plan, ads: list[Ad], first: int, last: int
) -> dict[int, tuple[dict[str, str], Cell]]:
    """Like `bucket_cell`, per breakdown combination (index -> (dimension values, cell))."""
    out: dict[int, tuple[dict[str, str], Cell]] = {}
    dims = plan.query.breakdowns
    for ad in ads:
        countries = plan.aw.adsets[ad.adset_id].countries
        for day in range(first, min(last, plan.today) + 1):
            cell = bucket_cell(plan, [ad], day, day)
            for index, values, part in split(cell, plan.seed, ad, countries, dims) if cell else ():
                if index in out:
                    out[index][1].add(part)
                else:
                    out[index] = (values, part)
    return out


def _rows_in_slot(plan: Plan, g: int, b: int, start: int) -> Iterator[tuple[int, Row]]:
    group_id, ads = plan.groups[g]
    first, last = plan.buckets[b]
    slot = g * len(plan.buckets) + b
    if not plan.query.breakdowns:
        cell = bucket_cell(plan, ads, first, last)
        if cell is not None:
            yield slot, format_row(plan.aw, plan.query, group_id, ads, first, last, cell)
        return
    k = combos(plan.query.breakdowns)
    old = first < minus_months(date.fromordinal(plan.today), 13).toordinal()
    parts = bucket_split(plan, ads, first, last)
    for index in sorted(parts):
        if slot * k + index >= start:
            values, cell = parts[index]
            row = format_row(plan.aw, plan.query, group_id, ads, first, last, cell)
            if old:  # Meta silently omits reach with breakdowns beyond 13 months
                row.pop("reach", None)
                row.pop("frequency", None)
            yield slot * k + index, {**row, **values}


def _raw_rows(plan: Plan, start: int) -> Iterator[tuple[int, Row]]:
    """(position, row) pairs from position `start` on, skipping slots without delivery.
    A position is ``slot * combos + combination``; a slot is ``group * buckets + bucket``."""
    nb = len(plan.buckets)
    slot0 = start // combos(plan.query.breakdowns)
    for g in range(slot0 // nb, len(plan.groups)):
        _, ads = plan.groups[g]
        for b in _candidates(plan, ads, slot0 - g * nb if g == slot0 // nb else 0):
            yield from _rows_in_slot(plan, g, b, start)


def _passes(row: Row, rules: tuple[Rule, ...]) -> bool:
    """Metric filters compare the row's printed value (a missing metric counts as 0)."""
    return all(matches(row.get(r.field, "0"), r) for r in rules)


def _sort_key(row: Row, field: str) -> tuple[int, float | str]:
    value = row.get(field)
    try:
        return (0, float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return (1, str(value))


def rows(plan: Plan, start: int) -> Iterator[tuple[int, Row]]:
    """The query's rows from position `start`: metric filters applied; with ``sort`` the
    whole result is sorted first and positions are ranks."""
    rules = plan.query.metric_rules()
    if not plan.query.sort:
        for pos, row in _raw_rows(plan, start):
            if not rules or _passes(row, rules):
                yield pos, row
        return
    ordered = [row for _, row in _raw_rows(plan, 0) if not rules or _passes(row, rules)]
    for field, descending in reversed(plan.query.sort):
        ordered.sort(key=lambda r, f=field: _sort_key(r, f), reverse=descending)  # type: ignore[misc]
    yield from ((i, ordered[i]) for i in range(start, len(ordered)))


def summary_row(plan: Plan) -> Row | None:
    """The ``summary`` of a query: its summary fields over every row it covers, undivided."""
    names = plan.query.summary
    if not names:
        return None
    ads = [ad for _, group in plan.groups for ad in group]
    first, last = plan.query.since.toordinal(), plan.query.until.toordinal()
    cell = bucket_cell(plan, ads, first, last)
    query = replace(plan.query, fields=names, level="account", breakdowns=())
    if cell is None:
        return {"date_start": iso_day(first), "date_stop": iso_day(last)}
    return format_row(plan.aw, query, plan.aw.account.id, ads, first, last, cell)


def all_rows(plan: Plan) -> list[Row]:
    return [row for _, row in rows(plan, 0)]
