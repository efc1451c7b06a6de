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

    __slots__ = ("actx", "cell", "digits", "group", "level", "major")

    def __init__(self, cell: Cell, digits: int, actx: ActionContext, level: str, group: str):
        self.cell, self.digits, self.actx, self.level, self.group = cell, digits, actx, level, group
        self.major = cell.spend / 10**digits

    @property
    def reach(self) -> int:
        return reach_of(self.cell)

    def one(self, action: str, count: int) -> list[dict[str, str]] | None:
        return [{"action_type": action, "value": str(count)}] if count else None

    def cost(self, count: int) -> str | None:
        return ratio(self.major, count) if count else None

    def outbound(self, unique_only: bool = False) -> int:
        count = int(self.cell.link * OUTBOUND_SHARE)
        return unique(count, self.cell) if unique_only else count

    def uniques(self) -> dict[str, list[int]]:
        return {k: [int(n * UNIQUE_ACTION_SHARE) for n in v] for k, v in self.cell.actions.items()}


def _one_ratio(num: float, den: float) -> list[dict[str, str]] | None:
    return [{"action_type": "outbound_click", "value": ratio(num, den)}] if num else None


def _one_cost(r: Row, count: int) -> list[dict[str, str]] | None:
    cost = r.cost(count)
    return [{"action_type": "outbound_click", "value": cost}] if cost else None


def _engagement(c: Cell) -> str | None:
    counts = c.actions.get("post_engagement")
    return str(counts[0]) if counts else None


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


FIELDS: dict[str, Callable[[Row], Value]] = {
    "impressions": lambda r: str(r.cell.impressions),
    "clicks": lambda r: str(r.cell.clicks),
    "inline_link_clicks": lambda r: str(r.cell.link),
    "spend": lambda r: money(r.cell.spend, r.digits),
    "social_spend": lambda r: money(0, r.digits),
    "reach": lambda r: str(r.reach),
    "frequency": lambda r: ratio(r.cell.impressions, r.reach),
    "ctr": lambda r: ratio(r.cell.clicks * 100, r.cell.impressions),
    "cpc": lambda r: ratio(r.major, r.cell.clicks),
    "cpm": lambda r: ratio(r.major * 1000, r.cell.impressions),
    "cpp": lambda r: ratio(r.major * 1000, r.reach),
    "unique_clicks": lambda r: str(unique(r.cell.clicks, r.cell)),
    "unique_ctr": lambda r: ratio(unique(r.cell.clicks, r.cell) * 100, r.reach),
    "cost_per_unique_click": lambda r: r.cost(unique(r.cell.clicks, r.cell)),
    "inline_link_click_ctr": lambda r: ratio(r.cell.link * 100, r.cell.impressions),
    "cost_per_inline_link_click": lambda r: r.cost(r.cell.link),
    "unique_inline_link_clicks": lambda r: str(unique(r.cell.link, r.cell)),
    "unique_inline_link_click_ctr": lambda r: ratio(unique(r.cell.link, r.cell) * 100, r.reach),
    "unique_link_clicks_ctr": lambda r: ratio(unique(r.cell.link, r.cell) * 100, r.reach),
    "cost_per_unique_inline_link_click": lambda r: r.cost(unique(r.cell.link, r.cell)),
    "outbound_clicks": lambda r: r.one("outbound_click", r.outbound()),
    "unique_outbound_clicks": lambda r: r.one("outbound_click", r.outbound(True)),
    "outbound_clicks_ctr": lambda r: _one_ratio(r.outbound() * 100, r.cell.impressions),
    "unique_outbound_clicks_ctr": lambda r: _one_ratio(r.outbound(True) * 100, r.reach),
    "cost_per_outbound_click": lambda r: _one_cost(r, r.outbound()),
    "cost_per_unique_outbound_click": lambda r: _one_cost(r, r.outbound(True)),
    "inline_post_engagement": lambda r: _engagement(r.cell),
    "cost_per_inline_post_engagement": lambda r: r.cost(int(_engagement(r.cell) or 0)),
    "actions": lambda r: action_items(r.cell.actions, r.actx, str),
    "action_values": lambda r: action_items(r.cell.values, r.actx, lambda v: money(v, r.digits)),
    "unique_actions": lambda r: action_items(r.uniques(), r.actx, str),
    "cost_per_action_type": lambda r: _costs(r, r.cell.actions),
    "cost_per_unique_action_type": lambda r: _costs(r, r.uniques()),
    "purchase_roas": lambda r: _roas(r, "purchase", "omni_purchase"),
    "website_purchase_roas": lambda r: _roas(
        r, "offsite_conversion.fb_pixel_purchase", "offsite_conversion.fb_pixel_purchase"
    ),
}


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
    getter = FIELDS.get(field)
    return getter(r) if getter else None
