"""Per-(ad, day) metrics, computed lazily and purely from hashes of (seed, ad, day).

A cell is a dict of integer counters (money in the currency's minor unit):
``impressions, clicks, reach, spend, inline_link_clicks`` and ``"a|<action>|<window>"`` (counts)
or ``"v|<action>|<window>"`` (values). Conversions mature over 28 days: a day's conversions
as seen on a later day only grow, and are final once the day is 28 days old.
"""

from __future__ import annotations

from metasync.emulator.entities import Ad, delivers
from metasync.emulator.rand import uniforms

Cell = dict[str, int]
WINDOWS = ("1d_click", "7d_click", "28d_click", "1d_view")
MATURITY_DAYS = 28
_SHARE = {"1d_click": 0.55, "7d_click": 0.85, "28d_click": 1.0}
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
    cell: Cell = {
        "impressions": impressions,
        "clicks": clicks,
        "reach": max(1, int(impressions * reach_share)),
        "spend": int(impressions * cpm / 1000),
        "inline_link_clicks": int(clicks * 0.8),
    }
    _engagement(cell, objective, engage)
    _conversions(cell, objective, cvr, view_rate, aov, maturity(today - ordinal))
    return cell


def _engagement(cell: Cell, objective: str, rate: float) -> None:
    link = cell["inline_link_clicks"]
    if link:
        for w in ("value", "1d_click", "7d_click", "28d_click"):
            cell[f"a|link_click|{w}"] = link
    for n, action in enumerate(ENGAGEMENT.get(objective, ())):
        count = int(
            cell["impressions"] * rate / (n + 1) if action != "landing_page_view" else link * 0.7
        )
        if count:
            for w in ("value", "1d_click", "7d_click", "28d_click"):
                cell[f"a|{action}|{w}"] = count


def _conversions(
    cell: Cell, objective: str, cvr: float, view: float, aov: float, seen: float
) -> None:
    actions = CONVERSIONS.get(objective, ())
    if not actions:
        return
    click_total = cell["clicks"] * cvr
    for n, action in enumerate(actions):
        factor = 3.0 if action == "add_to_cart" else 1.0
        counts = {w: int(click_total * factor * s * seen) for w, s in _SHARE.items()}
        counts["1d_view"] = int(click_total * factor * view * seen)
        counts["value"] = counts["7d_click"] + counts["1d_view"]
        if not counts["28d_click"] and not counts["1d_view"]:
            continue
        for w, c in counts.items():
            cell[f"a|{action}|{w}"] = c
            if action in VALUED:
                cell[f"v|{action}|{w}"] = int(c * aov)
        del n


def merge(total: Cell, cell: Cell) -> None:
    """Add `cell` into `total` (reach: deduplicated approximately, never additive)."""
    for key, value in cell.items():
        total[key] = total.get(key, 0) + value
    total["reach_max"] = max(total.get("reach_max", 0), cell["reach"])
    total["cells"] = total.get("cells", 0) + 1
