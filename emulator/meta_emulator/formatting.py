"""Turning a summed cell into an insights row exactly as the Graph API prints it (all strings)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from meta_emulator.entities import Ad
from meta_emulator.metrics import WINDOW_KEYS, Cell
from meta_emulator.query import Query
from meta_emulator.world import AccountWorld

_INDEX = {w: i for i, w in enumerate(WINDOW_KEYS)}
LEVEL_RANK = {"account": 0, "campaign": 1, "adset": 2, "ad": 3}
FIELD_LEVEL = {
    "account": "account",
    "campaign": "campaign",
    "objective": "campaign",
    "adset": "adset",
    "ad": "ad",
}


def money(minor: int, digits: int) -> str:
    """Minor units as Meta prints major units: ``"14.35"``, or ``"1234"`` for JPY."""
    if digits == 0:
        return str(minor)
    return f"{minor // 100}.{minor % 100:02d}"


def ratio(num: float, den: float) -> str:
    return f"{num / den:.6f}".rstrip("0").rstrip(".") if den else "0"


def _actions(
    table: dict[str, list[int]], windows: tuple[str, ...], digits: int | None
) -> list[dict[str, str]]:
    out = []
    for name in sorted(table):
        counts = table[name]
        item = {"action_type": name, "value": _fmt(counts[0], digits)}
        for w in windows:
            idx = _INDEX.get(w, 99)
            if idx < len(counts):
                item[w] = _fmt(counts[idx], digits)
        out.append(item)
    return out


def _fmt(value: int, digits: int | None) -> str:
    return str(value) if digits is None else money(value, digits)


def _reach(cell: Cell) -> int:
    if cell.cells <= 1:
        return cell.reach
    return max(cell.reach_max, int(cell.reach * 0.85))


def _value(field: str, cell: Cell, digits: int, windows: tuple[str, ...]) -> Any:
    if field == "impressions":
        return str(cell.impressions)
    if field == "clicks":
        return str(cell.clicks)
    if field == "inline_link_clicks":
        return str(cell.link)
    if field == "spend":
        return money(cell.spend, digits)
    if field == "actions":
        return _actions(cell.actions, windows, None)
    if field == "action_values":
        return _actions(cell.values, windows, digits)
    if field == "reach":
        return str(_reach(cell))
    return _ratios(field, cell, digits)


def _ratios(field: str, cell: Cell, digits: int) -> Any:
    imp, clicks = cell.impressions, cell.clicks
    major = cell.spend / 10**digits
    if field == "frequency":
        return ratio(imp, _reach(cell))
    if field == "ctr":
        return ratio(clicks * 100, imp)
    if field == "cpc":
        return ratio(major, clicks)
    if field == "cpm":
        return ratio(major * 1000, imp)
    if field == "cost_per_action_type":
        return [
            {"action_type": name, "value": ratio(major, counts[0])}
            for name, counts in sorted(cell.actions.items())
            if counts[0]
        ]
    return _roas(cell, major, digits)


def _roas(cell: Cell, major: float, digits: int) -> list[dict[str, str]]:
    value = cell.values.get("purchase")
    if value is None or not major:
        return []
    return [{"action_type": "omni_purchase", "value": ratio(value[0] / 10**digits, major)}]


def _ids(aw: AccountWorld, ad: Ad) -> dict[str, str]:
    c = aw.campaigns[ad.campaign_id]
    return {
        "account_id": aw.account.id,
        "account_name": aw.account.name,
        "account_currency": aw.account.currency,
        "campaign_id": c.id,
        "campaign_name": c.name,
        "objective": c.objective,
        "adset_id": ad.adset_id,
        "adset_name": aw.adsets[ad.adset_id].name,
        "ad_id": ad.id,
        "ad_name": ad.name,
    }


@lru_cache(maxsize=256)
def _layout(fields: tuple[str, ...], level: str) -> tuple[tuple[str, bool], ...]:
    """(field, is_id) for each printable field of a query (finer-level ids are dropped)."""
    out = []
    for field in fields:
        if field in ("date_start", "date_stop"):
            continue
        prefix = field.split("_")[0]
        if prefix not in FIELD_LEVEL:
            out.append((field, False))
        elif LEVEL_RANK[FIELD_LEVEL[prefix]] <= LEVEL_RANK[level]:
            out.append((field, True))
    return tuple(out)


@lru_cache(maxsize=4096)
def iso_day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def format_row(
    aw: AccountWorld, query: Query, group_id: str, ads: list[Ad], first: int, last: int, cell: Cell
) -> dict[str, Any]:
    """One insights row with the query's fields in order, then date_start and date_stop."""
    row: dict[str, Any] = {}
    digits = aw.account.minor_digits
    ids: dict[str, str] | None = None
    for field, is_id in _layout(query.fields, query.level):
        if is_id:
            ids = ids or _ids(aw, ads[0])
            row[field] = ids[field]
            continue
        value = _value(field, cell, digits, query.windows)
        if value != []:
            row[field] = value
    row["date_start"] = iso_day(first)
    row["date_stop"] = iso_day(last)
    return row
