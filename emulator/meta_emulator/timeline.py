"""Pure generation of status timelines (pause, resume, archive, delete, edits) and delivery days."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from meta_emulator.entities import TERMINAL, Timeline, effective_status

DAY = 86_400.0


def make_timeline(
    r: random.Random, created: float, horizon: float, mean_gap_days: float, end_rate: float
) -> Timeline:
    """A random walk of status changes and edits from `created` up to `horizon`."""
    status = "PAUSED" if r.random() < 0.04 else "ACTIVE"
    times, statuses, updates = [created], [status], [created]
    t = created
    while True:
        t += r.expovariate(1.0 / (mean_gap_days * DAY))
        if t >= horizon or status == "DELETED":
            break
        updates.append(t)
        nxt = _next_status(r, status, end_rate)
        if nxt != status:
            times.append(t)
            statuses.append(nxt)
            status = nxt
    return Timeline(tuple(times), tuple(statuses), tuple(updates))


def _next_status(r: random.Random, status: str, end_rate: float) -> str:
    roll = r.random()
    if status == "ARCHIVED":
        return "DELETED" if roll < 0.3 else status
    if roll < end_rate * 0.6:
        return "ARCHIVED"
    if roll < end_rate:
        return "DELETED"
    if status == "PAUSED":
        return "ACTIVE" if roll < end_rate + 0.6 else status
    if roll < end_rate + 0.15:
        return "PAUSED"
    return status  # an edit only (name, budget, targeting)


def cascade(child: Timeline, parent: Timeline) -> Timeline:
    """`child` archived or deleted together with `parent` (Meta cascades both)."""
    for t, status in zip(parent.times, parent.statuses, strict=True):
        if status in TERMINAL and t >= child.times[0]:
            return _cut(child, t, status)
    return child


def _cut(tl: Timeline, t: float, status: str) -> Timeline:
    keep = [i for i, x in enumerate(tl.times) if x < t]
    if tl.statuses[keep[-1]] == "DELETED" or tl.statuses[keep[-1]] == status:
        return Timeline(
            tuple(tl.times[i] for i in keep),
            tuple(tl.statuses[i] for i in keep),
            tuple(u for u in tl.updates if u < t),
        )
    return Timeline(
        (*(tl.times[i] for i in keep), t),
        (*(tl.statuses[i] for i in keep), status),
        (*(u for u in tl.updates if u < t), t),
    )


def delivery_days(
    ad: Timeline, adset: Timeline, campaign: Timeline, tz: ZoneInfo
) -> tuple[tuple[int, int], ...]:
    """Inclusive day-ordinal ranges (in `tz`) whose local noon falls while all three are ACTIVE."""
    cuts = sorted({*ad.times, *adset.times, *campaign.times})
    ranges: list[tuple[int, int]] = []
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else None
        parents = (("adset", adset.status_at(start)), ("campaign", campaign.status_at(start)))
        if effective_status(ad.status_at(start), parents) != "ACTIVE":
            continue
        first = _first_noon_day(start, tz)
        last = _last_noon_day(end, tz) if end is not None else 10**7
        if first <= last:
            ranges.append((first, last))
    return _merge(ranges)


def _first_noon_day(t: float, tz: ZoneInfo) -> int:
    local = datetime.fromtimestamp(t, tz)
    return local.toordinal() + (1 if local.hour >= 12 else 0)


def _last_noon_day(t: float, tz: ZoneInfo) -> int:
    local = datetime.fromtimestamp(t, tz)
    return local.toordinal() - (0 if local.hour >= 12 else 1)


def _merge(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return tuple(merged)
