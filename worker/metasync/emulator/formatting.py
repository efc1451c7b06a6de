"""Turning a summed cell into an insights row exactly as the Graph API prints it (all strings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from metasync.emulator.entities import Ad
from metasync.emulator.metrics import Cell
from metasync.emulator.query import Query
from metasync.emulator.world import AccountWorld

LEVEL_RANK = {"account": 0, "campaign": 1, "adset": 2, "ad": 3}
FIELD_LEVEL = {"account": "account", "campaign": "campaign", "objective": "campaign",
               "adset": "adset", "ad": "ad"}  # fmt: skip


def money(minor: int, digits: int) -> str:
    """Minor units as Meta prints major units: ``"14.35"``, or ``"1234"`` for JPY."""
    if digits == 0:
        return str(minor)
    return f"{minor // 100}.{minor % 100:02d}"


def ratio(num: float, den: float) -> str:
    return f"{num / den:.6f}".rstrip("0").rstrip(".") if den else "0"


def _actions(
    cell: Cell, kind: str, windows: tuple[str, ...], digits: int | None
) -> list[dict[str, str]]:
    names = sorted({k.split("|")[1] for k in cell if k.startswith(kind + "|")})
    out = []
    for name in names:
        item = {"action_type": name, "value": _fmt(cell.get(f"{kind}|{name}|value", 0), digits)}
        for w in windows:
            if w != "default" and f"{kind}|{name}|{w}" in cell:
                item[w] = _fmt(cell[f"{kind}|{name}|{w}"], digits)
        out.append(item)
    return out


def _fmt(value: int, digits: int | None) -> str:
    return str(value) if digits is None else money(value, digits)


def _reach(cell: Cell) -> int:
    if cell.get("cells", 1) <= 1:
        return cell["reach"]
    return max(cell["reach_max"], int(cell["reach"] * 0.85))


def _value(field: str, aw: AccountWorld, cell: Cell, digits: int, windows: tuple[str, ...]) -> Any:
    imp, clicks, spend = cell["impressions"], cell["clicks"], cell["spend"]
    major = spend / 10**digits
    simple: dict[str, Any] = {
        "impressions": str(imp), "clicks": str(clicks), "spend": money(spend, digits),
        "inline_link_clicks": str(cell["inline_link_clicks"]),
    }  # fmt: skip
    if field in simple:
        return simple[field]
    if field == "reach":
        return str(_reach(cell))
    if field == "frequency":
        return ratio(imp, _reach(cell))
    if field == "ctr":
        return ratio(clicks * 100, imp)
    if field == "cpc":
        return ratio(major, clicks)
    if field == "cpm":
        return ratio(major * 1000, imp)
    if field == "actions":
        return _actions(cell, "a", windows, None)
    if field == "action_values":
        return _actions(cell, "v", windows, digits)
    if field == "cost_per_action_type":
        counts = _actions(cell, "a", (), None)
        return [
            {"action_type": a["action_type"], "value": ratio(major, int(a["value"]))}
            for a in counts
            if int(a["value"])
        ]
    return _roas(cell, major, digits)


def _roas(cell: Cell, major: float, digits: int) -> list[dict[str, str]]:
    value = cell.get("v|purchase|value")
    if value is None or not major:
        return []
    return [{"action_type": "omni_purchase", "value": ratio(value / 10**digits, major)}]


def _ids(field: str, aw: AccountWorld, group_id: str, ads: list[Ad]) -> str:
    ad = ads[0]
    c = aw.campaigns[ad.campaign_id]
    names = {
        "account_id": aw.account.id, "account_name": aw.account.name,
        "account_currency": aw.account.currency, "campaign_id": c.id, "campaign_name": c.name,
        "objective": c.objective, "adset_id": ad.adset_id, "adset_name": aw.adsets[ad.adset_id].name,
        "ad_id": ad.id, "ad_name": ad.name,
    }  # fmt: skip
    return names[field]


def format_row(
    aw: AccountWorld, query: Query, group_id: str, ads: list[Ad], first: int, last: int, cell: Cell
) -> dict[str, Any]:
    """One insights row with the query's fields in order, then date_start and date_stop."""
    row: dict[str, Any] = {}
    digits = aw.account.minor_digits
    rank = LEVEL_RANK[query.level]
    for field in query.fields:
        if field in ("date_start", "date_stop"):
            continue
        prefix = field.split("_")[0]
        if prefix in FIELD_LEVEL or field == "objective":
            if LEVEL_RANK[FIELD_LEVEL[prefix]] <= rank:
                row[field] = _ids(field, aw, group_id, ads)
            continue
        value = _value(field, aw, cell, digits, query.windows)
        if value != []:
            row[field] = value
    row["date_start"] = date.fromordinal(first).isoformat()
    row["date_stop"] = date.fromordinal(last).isoformat()
    return row
