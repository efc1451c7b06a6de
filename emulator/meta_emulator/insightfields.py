"""Metric fields of an insights row, derived from a summed `Cell` so they agree with each other.

Counts are the cell's (``impressions``, ``clicks``, ``spend``, ``reach``, link clicks, actions);
ratios derive from them (``ctr = clicks / impressions * 100``, ``cpc = spend / clicks``,
``cpm``, ``cpp``, ``frequency = impressions / reach``); ``unique_*`` counts are a fixed share of
their totals capped by reach, and ``cost_per_*`` divide the spend by the count they name. Video
fields derive from the ``video_view`` action. A field that has no value for the row (no video,
no purchases, a ranking above ad level) is left out, as Meta leaves it out (`None`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meta_emulator.actions import ActionContext, action_items, action_parts
from meta_emulator.metrics import Cell
from meta_emulator.rand import unit

Value = Any  # a string, a list of action items, or None (left out)
UNIQUE_CLICK_SHARE = 0.88
UNIQUE_ACTION_SHARE = 0.9
OUTBOUND_SHARE = 0.85
VIDEO_SHARES = {
    "video_play_actions": 1.0,
    "video_continuous_2_sec_watched_actions": 0.8,
    "video_6_sec_watched_actions": 0.6,
    "video_15_sec_watched_actions": 0.35,
    "video_30_sec_watched_actions": 0.2,
    "video_p25_watched_actions": 0.6,
    "video_p50_watched_actions": 0.4,
    "video_p75_watched_actions": 0.28,
    "video_p95_watched_actions": 0.2,
    "video_p100_watched_actions": 0.17,
    "video_thruplay_watched_actions": 0.25,
}
RANKINGS = ("ABOVE_AVERAGE", "AVERAGE", "BELOW_AVERAGE_35", "BELOW_AVERAGE_20", "BELOW_AVERAGE_10")


def money(minor: int, digits: int) -> str:
    """Minor units as Meta prints major units: ``"14.35"``, or ``"1234"`` for JPY."""
    if digits == 0:
        return str(minor)
    return f"{minor // 100}.{minor % 100:02d}"


def ratio(num: float, den: float) -> str:
    return f"{num / den:.6f}".rstrip("0").rstrip(".") if den else "0"


def reach_of(cell: Cell) -> int:
    if cell.cells <= 1:
        return cell.reach
    return max(cell.reach_max, int(cell.reach * 0.85))


def unique(count: int, cell: Cell, share: float = UNIQUE_CLICK_SHARE) -> int:
    return min(int(count * share), reach_of(cell))


class Row:
    """A row's cell with what its fields need: money digits, action context, level, group id."""

    def __init__(self, cell: Cell, digits: int, actx: ActionContext, level: str, group: str):
        self.cell, self.digits, self.actx, self.level, self.group = cell, digits, actx, level, group
        self.major = cell.spend / 10**digits
        self._getters: dict[str, Callable[[], Value]] | None = None

    def getter(self, field: str) -> Callable[[], Value] | None:
        if self._getters is None:
            self._getters = _counts(self) | _actions(self)
        return self._getters.get(field)

    def one(self, action: str, count: int) -> list[dict[str, str]] | None:
        return [{"action_type": action, "value": str(count)}] if count else None

    def cost(self, count: int) -> str | None:
        return ratio(self.major, count) if count else None


def _counts(r: Row) -> dict[str, Callable[[], Value]]:
    c = r.cell
    reach, link = reach_of(c), c.link
    uc, ul = unique(c.clicks, c), unique(link, c)
    out_clicks = int(link * OUTBOUND_SHARE)
    u_out = unique(out_clicks, c)
    return {
        "impressions": lambda: str(c.impressions),
        "clicks": lambda: str(c.clicks),
        "inline_link_clicks": lambda: str(link),
        "spend": lambda: money(c.spend, r.digits),
        "social_spend": lambda: money(0, r.digits),
        "reach": lambda: str(reach),
        "frequency": lambda: ratio(c.impressions, reach),
        "ctr": lambda: ratio(c.clicks * 100, c.impressions),
        "cpc": lambda: ratio(r.major, c.clicks),
        "cpm": lambda: ratio(r.major * 1000, c.impressions),
        "cpp": lambda: ratio(r.major * 1000, reach),
        "unique_clicks": lambda: str(uc),
        "unique_ctr": lambda: ratio(uc * 100, reach),
        "cost_per_unique_click": lambda: r.cost(uc),
        "inline_link_click_ctr": lambda: ratio(link * 100, c.impressions),
        "cost_per_inline_link_click": lambda: r.cost(link),
        "unique_inline_link_clicks": lambda: str(ul),
        "unique_inline_link_click_ctr": lambda: ratio(ul * 100, reach),
        "unique_link_clicks_ctr": lambda: ratio(ul * 100, reach),
        "cost_per_unique_inline_link_click": lambda: r.cost(ul),
        "outbound_clicks": lambda: r.one("outbound_click", out_clicks),
        "unique_outbound_clicks": lambda: r.one("outbound_click", u_out),
        "outbound_clicks_ctr": lambda: _one_ratio(r, out_clicks * 100, c.impressions),
        "unique_outbound_clicks_ctr": lambda: _one_ratio(r, u_out * 100, reach),
        "cost_per_outbound_click": lambda: _one_cost(r, out_clicks),
        "cost_per_unique_outbound_click": lambda: _one_cost(r, u_out),
        "inline_post_engagement": lambda: _engagement(c),
        "cost_per_inline_post_engagement": lambda: r.cost(int(_engagement(c) or 0)),
    }


def _one_ratio(r: Row, num: float, den: float) -> list[dict[str, str]] | None:
    return [{"action_type": "outbound_click", "value": ratio(num, den)}] if num else None


def _one_cost(r: Row, count: int) -> list[dict[str, str]] | None:
    cost = r.cost(count)
    return [{"action_type": "outbound_click", "value": cost}] if cost else None


def _engagement(c: Cell) -> str | None:
    counts = c.actions.get("post_engagement")
    return str(counts[0]) if counts else None


def _actions(r: Row) -> dict[str, Callable[[], Value]]:
    c, ctx = r.cell, r.actx
    uniques = {k: [int(n * UNIQUE_ACTION_SHARE) for n in v] for k, v in c.actions.items()}
    return {
        "actions": lambda: action_items(c.actions, ctx, str),
        "action_values": lambda: action_items(c.values, ctx, lambda v: money(v, r.digits)),
        "unique_actions": lambda: action_items(uniques, ctx, str),
        "cost_per_action_type": lambda: _costs(r, c.actions),
        "cost_per_unique_action_type": lambda: _costs(r, uniques),
        "purchase_roas": lambda: _roas(r, "purchase", "omni_purchase"),
        "website_purchase_roas": lambda: _roas(
            r, "offsite_conversion.fb_pixel_purchase", "offsite_conversion.fb_pixel_purchase"
        ),
    }


def _costs(r: Row, table: dict[str, list[int]]) -> list[dict[str, str]]:
    return [
        {**item, "value": ratio(r.major, counts[0])}
        for item, counts in action_parts(table, r.actx)
        if counts[0]
    ]


def _roas(r: Row, source: str, name: str) -> list[dict[str, str]]:
    value = r.cell.values.get(source)
    if value is None or not r.major:
        return []
    return [{"action_type": name, "value": ratio(value[0] / 10**r.digits, r.major)}]


def _video(r: Row, field: str) -> Value:
    views = r.cell.actions.get("video_view")
    if not views or not views[0]:
        return None
    if field == "video_avg_time_watched_actions":
        return [{"action_type": "video_view", "value": str(3 + int(unit(r.group, "vt") * 9))}]
    if field in ("cost_per_thruplay", "cost_per_2_sec_continuous_video_view"):
        share = 0.25 if field == "cost_per_thruplay" else 0.8
        cost = r.cost(int(views[0] * share))
        return [{"action_type": "video_view", "value": cost}] if cost else None
    return r.one("video_view", int(views[0] * VIDEO_SHARES[field]))


def _ranking(r: Row, field: str) -> Value:
    """Rankings are per ad: ``UNKNOWN`` below 500 impressions; left out above ad level."""
    if r.level != "ad":
        return None
    if r.cell.impressions < 500:
        return "UNKNOWN"
    return RANKINGS[int(unit(r.group, field) * len(RANKINGS))]


VIDEO_FIELDS = frozenset(
    {*VIDEO_SHARES, "video_avg_time_watched_actions", "cost_per_thruplay",
     "cost_per_2_sec_continuous_video_view"}
)  # fmt: skip
RANKING_FIELDS = frozenset(
    {"quality_ranking", "engagement_rate_ranking", "conversion_rate_ranking"}
)


def metric_value(field: str, r: Row) -> Value:
    """The field's value for the row, or None to leave it out."""
    if field in VIDEO_FIELDS:
        return _video(r, field)
    if field in RANKING_FIELDS:
        return _ranking(r, field)
    getter = r.getter(field)
    return getter() if getter else None
