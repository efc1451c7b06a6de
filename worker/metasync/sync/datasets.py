"""What an insights chunk's dataset changes in the query and where its rows go.

``daily``: the plain ad-day query. ``hourly``: :mod:`.hourly`. ``breakdown:<id>``: the set's
``breakdowns`` and ``action_attribution_windows`` (or ``use_unified_attribution_setting``), rows
stored in ``meta_insights_daily`` under ``breakdown_key = "<breakdowns>:<values>"`` (e.g.
``age,gender:25-34,female``) and the set's ``attribution_setting``; per-window action values
stay in the ``actions`` / ``action_values`` JSON (each item carries ``1d_click``, ... keys).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from metasync.db.breakdowns import BreakdownSet
from metasync.graph.errors import UnexpectedResponseError
from metasync.sync.hourly import HOURLY
from metasync.sync.mapping import InsightDailyRow, map_insight


@dataclass(frozen=True)
class DatasetQuery:
    """Extra query parameters, fields left out, and rows per ad-day (for the row estimate)."""

    extra: Mapping[str, Any] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    rows_per_ad_day: int = 1


DAILY = DatasetQuery()
HOURLY_QUERY = DatasetQuery({"breakdowns": HOURLY}, ("reach", "frequency"), 24)


def breakdown_query(bset: BreakdownSet) -> DatasetQuery:
    extra: dict[str, Any] = {}
    if bset.breakdowns:
        extra["breakdowns"] = ",".join(bset.breakdowns)
    if bset.attribution_windows:
        extra["action_attribution_windows"] = json.dumps(list(bset.attribution_windows))
    if bset.use_unified_attribution_setting:
        extra["use_unified_attribution_setting"] = "true"
    dropped = () if bset.with_reach else ("reach", "frequency")
    return DatasetQuery(extra, dropped, 12 if bset.breakdowns else 1)


def map_breakdown_rows(
    raws: Sequence[dict[str, Any]], bset: BreakdownSet, account_id: str, currency: str | None,
    objectives: Mapping[str, str | None],
) -> list[InsightDailyRow]:  # fmt: skip
    out = []
    for raw in raws:
        row = map_insight(raw, account_id, currency, objectives)
        values = []
        for dim in bset.breakdowns:
            value = raw.get(dim)
            if not isinstance(value, str):
                raise UnexpectedResponseError(f"insights row without its {dim} breakdown value")
            values.append(value)
        key = f"{bset.breakdown_key}:{','.join(values)}" if bset.breakdowns else ""
        reach = row.reach if bset.with_reach else None
        out.append(replace(row, breakdown_key=key, attribution_setting=bset.attribution_setting,
                           reach=reach))  # fmt: skip
    return out
