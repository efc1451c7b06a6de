"""Per-(ad, day) metrics, computed lazily and purely from hashes of (seed, ad, day).

A `Cell` holds integer counters (money in the currency's minor unit) and, per action type, a
list of counts (or values) indexed like `WINDOW_KEYS`. Conversions mature over 28 days: a
day's conversions as seen on a later day only grow, and are final once the day is 28 days old.
"""

from __future__ import annotations

from meta_emulator.entities import Ad, delivers
from meta_emulator.rand import uniforms

WINDOWS = ("1d_click", "7d_click", "28d_click", "1d_view")
WINDOW_KEYS = ("value", *WINDOWS)  # engagement actions carry the first four only
MATURITY_DAYS = 28
CONVERSIONS: dict[str, tuple[str, ...]] = {
    "OUTCOME_SALES": ("purchase", "offsite_conversion.fb_pixel_purchase", "add_to_cart"),
    "OUTCOME_LEADS": ("lead", "onsite_conversion.lead_grouped"),
    "OUTCOME_APP_PROMOTION": ("mobile_app_install",),
}
VALUED = frozenset({"purchase", "offsite_conversion.fb_pixel_purchase"})
ENGAGEMENT: dict[str, tuple[str, ...]] = {
    "OUTCOME_TRAFFIC": ("landing_page_view",),
    "OUTCOME_SALES": ("landing_page_view",),
    "OUTCOME_AWARENESS": ("video_view",),
    "OUTCOME_ENGAGEMENT": ("post_engagement", "post_reaction", "video_view"),
}


def maturity(age: int) -> float:
    """Share of a day's final conversions visible `age` days later (1.0 from day 28 on)."""
    if age >= MATURITY_DAYS:
        return 1.0
    return 1.0 - 0.35 * (1.0 - max(age, 0) / MATURITY_DAYS) ** 2


def _base(seed: int, ad: Ad, ordinal: int) -> tuple[float, ...] | None:
    """The day's final values before partial-day and maturity (memoised on the ad)."""
    cache = ad.memo
    if ordinal in cache:
        return cache[ordinal]
    u = uniforms(seed, ad.key, ordinal)
    value: tuple[float, ...] | None = None
    if u[0] >= 0.1:  # not every ad every day
        weekday = 1.0 + 0.15 * ((ordinal % 7) in (5, 6))
        imp = ad.scale * weekday * (0.4 + 1.2 * u[1])
        value = (
            imp,
            ad.ctr * (0.6 + 0.8 * u[2]),
            0.55 + 0.35 * u[3],
            ad.cpm_minor * (0.8 + 0.4 * u[4]),
            ad.cvr * (0.3 + 1.4 * u[5]),
            0.15 * u[6],
            ad.aov_minor * (0.7 + 0.6 * u[7]),
            0.05 + 0.4 * u[8],
        )
    cache[ordinal] = value
    return value


class Cell:
    """Summable counters of one or more (ad, day) pairs."""

    __slots__ = ("actions", "cells", "clicks", "impressions", "link", "reach", "reach_max", "spend",
                 "values")  # fmt: skip

    def __init__(self, impressions: int, clicks: int, reach: int, spend: int, link: int) -> None:
        self.impressions, self.clicks, self.reach, self.spend = impressions, clicks, reach, spend
        self.link, self.reach_max, self.cells = link, reach, 1
        self.actions: dict[str, list[int]] = {}
        self.values: dict[str, list[int]] = {}

    def copy(self) -> Cell:
        out = Cell(self.impressions, self.clicks, self.reach, self.spend, self.link)
        out.reach_max, out.cells = self.reach_max, self.cells
        out.actions = {k: list(v) for k, v in self.actions.items()}
        out.values = {k: list(v) for k, v in self.values.items()}
        return out

    def add(self, other: Cell) -> None:
        """Add `other` in (reach is deduplicated approximately when formatted, never additive)."""
        self.impressions += other.impressions
        self.clicks += other.clicks
        self.reach += other.reach
        self.spend += other.spend
        self.link += other.link
        self.reach_max = max(self.reach_max, other.reach_max)
        self.cells += other.cells
        for mine, theirs in ((self.actions, other.actions), (self.values, other.values)):
            for name, counts in theirs.items():
                have = mine.get(name)
                mine[name] = (
                    list(counts)
                    if have is None
                    else [a + b for a, b in zip(have, counts, strict=True)]
                )


def ad_day(
    seed: int, ad: Ad, objective: str, ordinal: int, today: int, today_fraction: float
) -> Cell | None:
    """The cell of `ad` on day `ordinal` as seen when the account's date is `today`."""
    if ordinal > today or not delivers(ad, ordinal):
        return None
    base = _base(seed, ad, ordinal)
    if base is None:
        return None
    fraction = today_fraction if ordinal == today else 1.0
    imp_f, ctr, reach_share, cpm, cvr, view_rate, aov, engage = base
    impressions = int(imp_f * fraction)
    if impressions == 0:
        return None
    clicks = int(impressions * ctr)
    cell = Cell(impressions, clicks, max(1, int(impressions * reach_share)),
                int(impressions * cpm / 1000), int(clicks * 0.8))  # fmt: skip
    _engagement(cell, objective, engage)
    _conversions(cell, objective, cvr, view_rate, aov, maturity(today - ordinal))
    return cell


def _engagement(cell: Cell, objective: str, rate: float) -> None:
    link = cell.link
    if link:
        cell.actions["link_click"] = [link] * 4
    for n, action in enumerate(ENGAGEMENT.get(objective, ())):
        count = int(
            cell.impressions * rate / (n + 1) if action != "landing_page_view" else link * 0.7
        )
        if count:
            cell.actions[action] = [count] * 4


def _conversions(
    cell: Cell, objective: str, cvr: float, view: float, aov: float, seen: float
) -> None:
    click_total = cell.clicks * cvr
    for action in CONVERSIONS.get(objective, ()):
        factor = 3.0 if action == "add_to_cart" else 1.0
        d1, d7, d28 = (int(click_total * factor * s * seen) for s in (0.55, 0.85, 1.0))
        v1 = int(click_total * factor * view * seen)
        if not d28 and not v1:
            continue
        counts = [d7 + v1, d1, d7, d28, v1]
        cell.actions[action] = counts
        if action in VALUED:
            cell.values[action] = [int(c * aov) for c in counts]
