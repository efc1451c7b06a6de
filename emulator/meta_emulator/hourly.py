"""Hourly insights: ``breakdowns=hourly_stats_aggregated_by_advertiser_time_zone``.

Each (ad, day) cell is split over the hours of the account's local day, labelled as Meta does
(``"HH:00:00 - HH:59:59"``). An hour's share is the real time its label covers that day (so the
day the clocks go forward has 23 hours and no row for the skipped one, and the day they go
back has 25 hours, the repeated hour counting twice) times a daily delivery curve with a
little per-ad noise. Integer counters are allocated by largest remainder, so the hours of a
day add up exactly to the day's row, DST days included. Meta gives no reach by hour.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from meta_emulator.entities import Ad
from meta_emulator.metrics import Cell
from meta_emulator.rand import uniforms

HOURLY = "hourly_stats_aggregated_by_advertiser_time_zone"
HOURS = tuple(f"{h:02d}:00:00 - {h:02d}:59:59" for h in range(24))
# Relative delivery by local hour: quiet nights, a lunch bump, an evening peak.
CURVE = (0.30, 0.20, 0.15, 0.12, 0.12, 0.18, 0.35, 0.60, 0.80, 0.90, 0.95, 1.00, 1.05, 1.00,
         0.95, 0.95, 1.00, 1.10, 1.25, 1.40, 1.45, 1.30, 0.95, 0.55)  # fmt: skip
STEP_S = 900  # every UTC offset and clock change is a whole number of quarter hours


@lru_cache(maxsize=8192)
def hour_seconds(ordinal: int, zone: str) -> tuple[int, ...]:
    """Seconds of real time each hour label covers on the local day ``ordinal`` in ``zone``
    (86 400 in all; 82 800 or 90 000 when the clocks change)."""
    tz = ZoneInfo(zone)
    day = date.fromordinal(ordinal)
    start = int(datetime.combine(day, time(0), tz).timestamp())
    end = int(datetime.combine(day + timedelta(days=1), time(0), tz).timestamp())
    out = [0] * 24
    for t in range(start, end, STEP_S):
        out[datetime.fromtimestamp(t, tz).hour] += min(STEP_S, end - t)
    return tuple(out)


@lru_cache(maxsize=65_536)
def weights(seed: int, key: int, ordinal: int, zone: str) -> tuple[float, ...]:
    noise = uniforms(seed, key, "hourly", ordinal)
    noise = noise + uniforms(seed, key, "hourly-2", ordinal)[:8]
    raw = [s * CURVE[h] * (0.8 + 0.4 * noise[h]) for h, s in enumerate(hour_seconds(ordinal, zone))]
    total = sum(raw)
    return tuple(w / total for w in raw)


def allocate(total: int, shares: tuple[float, ...]) -> list[int]:
    """Integers proportional to ``shares`` summing exactly to ``total`` (largest remainder; a
    zero share gets nothing)."""
    exact = [total * w for w in shares]
    out = [int(x) for x in exact]
    order = sorted((i for i, w in enumerate(shares) if w > 0), key=lambda i: (out[i] - exact[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _by(counts: list[int], shares: tuple[float, ...]) -> tuple[float, ...]:
    total = sum(counts)
    return tuple(c / total for c in counts) if total else shares


def split_hours(
    cell: Cell, seed: int, ad: Ad, ordinal: int, zone: str
) -> list[tuple[int, dict[str, str], Cell]]:
    """The cell of one ad and day as (hour, {HOURLY: label}, cell) for its hours with data."""
    shares = weights(seed, ad.key, ordinal, zone)
    scalars = [allocate(v, shares) for v in (cell.impressions, cell.clicks, cell.spend, cell.link)]
    actions = {k: [allocate(v, shares) for v in vs] for k, vs in cell.actions.items()}
    # A value goes where its action's counts went: no hour has value without conversions.
    values = {
        k: [allocate(v, _by(actions.get(k, [])[w] if k in actions else [], shares))
            for w, v in enumerate(vs)]
        for k, vs in cell.values.items()
    }  # fmt: skip
    out = []
    for h in range(24):
        imp, clicks, spend, link = (s[h] for s in scalars)
        part = Cell(imp, clicks, 0, spend, link)
        part.actions = {k: [a[h] for a in ls] for k, ls in actions.items() if any(a[h] for a in ls)}
        part.values = {k: [a[h] for a in ls] for k, ls in values.items() if any(a[h] for a in ls)}
        if imp or spend or clicks or part.actions:
            out.append((h, {HOURLY: HOURS[h]}, part))
    return out
