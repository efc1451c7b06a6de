"""Turning a summed cell into an insights row exactly as the Graph API prints it (all strings).

Identity fields (``*_id``, ``*_name``, ``objective``, ...) are printed at their level or finer
(a campaign-level row has no ``ad_id``); metrics come from `insightfields`."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from meta_emulator.actions import ActionContext
from meta_emulator.clock import meta_time
from meta_emulator.entities import Ad
from meta_emulator.insightfields import Row, metric_value, money, ratio
from meta_emulator.metrics import Cell
from meta_emulator.query import Query
from meta_emulator.world import AccountWorld, page_id

__all__ = ["format_row", "iso_day", "money", "ratio"]

LEVEL_RANK = {"account": 0, "campaign": 1, "adset": 2, "ad": 3}
ID_FIELDS = {
    "account_id": "account", "account_name": "account", "account_currency": "account",
    "campaign_id": "campaign", "campaign_name": "campaign", "objective": "campaign",
    "buying_type": "campaign", "adset_id": "adset", "adset_name": "adset",
    "optimization_goal": "adset", "attribution_setting": "adset", "ad_id": "ad",
    "ad_name": "ad",
}  # fmt: skip
OBJECT_TIMES = frozenset({"created_time", "updated_time"})


def _ids(aw: AccountWorld, ad: Ad) -> dict[str, str]:
    c = aw.campaigns[ad.campaign_id]
    return {
        "account_id": aw.account.id,
        "account_name": aw.account.name,
        "account_currency": aw.account.currency,
        "campaign_id": c.id,
        "campaign_name": c.name,
        "objective": c.objective,
        "buying_type": "AUCTION",
        "adset_id": ad.adset_id,
        "adset_name": aw.adsets[ad.adset_id].name,
        "optimization_goal": "OFFSITE_CONVERSIONS",
        "attribution_setting": "7d_click_1d_view",
        "ad_id": ad.id,
        "ad_name": ad.name,
    }


@lru_cache(maxsize=256)
def _layout(fields: tuple[str, ...], level: str) -> tuple[tuple[str, str], ...]:
    """(field, kind) for each printable field: kind ``id``, ``time`` or ``metric``; identity
    fields of a finer level than the query's are dropped."""
    out = []
    for field in fields:
        if field in ("date_start", "date_stop"):
            continue
        if field in ID_FIELDS:
            if LEVEL_RANK[ID_FIELDS[field]] <= LEVEL_RANK[level]:
                out.append((field, "id"))
        elif field in OBJECT_TIMES:
            if level != "account":
                out.append((field, "time"))
        else:
            out.append((field, "metric"))
    return tuple(out)


@lru_cache(maxsize=4096)
def iso_day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _object_time(aw: AccountWorld, level: str, ad: Ad) -> str:
    """The row's object's creation day (Meta prints ``created_time`` as a date here)."""
    created = (
        aw.campaigns[ad.campaign_id].created
        if level == "campaign"
        else aw.adsets[ad.adset_id].created
        if level == "adset"
        else ad.created
    )
    return meta_time(datetime.fromtimestamp(created, aw.tz))[:10]


def format_row(
    aw: AccountWorld, query: Query, group_id: str, ads: list[Ad], first: int, last: int, cell: Cell
) -> dict[str, Any]:
    """One insights row with the query's fields in order, then date_start and date_stop."""
    row: dict[str, Any] = {}
    ids: dict[str, str] | None = None
    actx = ActionContext(
        aw.seed, group_id, page_id(aw), query.windows, query.breakdowns, query.action_breakdowns
    )
    values = Row(cell, aw.account.minor_digits, actx, query.level, group_id)
    for field, kind in _layout(query.fields, query.level):
        if kind == "id":
            ids = ids or _ids(aw, ads[0])
            row[field] = ids[field]
        elif kind == "time":
            row[field] = _object_time(aw, query.level, ads[0])
        else:
            value = metric_value(field, values)
            if value is not None and value != []:
                row[field] = value
    row["date_start"] = iso_day(first)
    row["date_stop"] = iso_day(last)
    return row
