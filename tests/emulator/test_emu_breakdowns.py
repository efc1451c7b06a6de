"""Breakdowns: split rows add up exactly to the unsplit rows, paging, the 13-month reach rule."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.support.emuhelpers import Graph, make

FIELDS = "campaign_id,adset_id,ad_id,impressions,clicks,spend,reach,actions,action_values"
RANGE = json.dumps({"since": "2026-01-15", "until": "2026-02-28"})


async def _rows(graph: Graph, **params: Any) -> list[dict[str, Any]]:
    pages = await graph.pages(
        f"{graph.account}/insights", fields=FIELDS, time_range=RANGE, **params
    )
    return [r for p in pages for r in p["data"]]


def _totals(rows: list[dict[str, Any]], key: str) -> dict[tuple[str, str], Counter[str]]:
    out: dict[tuple[str, str], Counter[str]] = {}
    for r in rows:
        c = out.setdefault((r[key], r["date_start"]), Counter())
        c["impressions"] += int(r["impressions"])
        c["clicks"] += int(r["clicks"])
        c["spend"] += int(r["spend"].replace(".", ""))
        for kind in ("actions", "action_values"):
            for a in r.get(kind, []):
                c[f"{kind}:{a['action_type']}"] += int(a["value"].replace(".", ""))
    return out


@pytest.mark.parametrize("breakdowns", ["publisher_platform", "age,gender", "country"])
@pytest.mark.parametrize(("level", "increment"), [("ad", "1"), ("campaign", "all_days")])
async def test_split_rows_add_up(graph: Graph, breakdowns: str, level: str, increment: str) -> None:
    plain = await _rows(graph, level=level, time_increment=increment, limit=500)
    split = await _rows(
        graph, level=level, time_increment=increment, limit=500, breakdowns=breakdowns
    )
    assert len(split) > len(plain) > 0
    assert _totals(split, f"{level}_id") == _totals(plain, f"{level}_id")
    for dim in breakdowns.split(","):
        assert all(dim in r for r in split)


async def test_countries_come_from_the_ad_set(graph: Graph, emu: Any) -> None:
    rows = await _rows(
        graph, level="ad", time_increment="all_days", breakdowns="country", limit=500
    )
    adsets = {
        s["id"]: s["targeting"]["geo_locations"]["countries"]
        for s in emu.truth_entities(graph.account)["adsets"]
    }
    assert all(r["country"] in adsets[r["adset_id"]] for r in rows)


async def test_paging_over_split_rows_returns_each_once(graph: Graph) -> None:
    whole = await _rows(graph, level="adset", time_increment=1, limit=5000, breakdowns="age")
    paged = await _rows(graph, level="adset", time_increment=1, limit=7, breakdowns="age")
    assert len(paged) == len(whole) > 7
    assert paged == whole


async def test_reach_is_omitted_beyond_13_months(open_graph: Any) -> None:
    graph = await open_graph(make("large"))
    old = json.dumps({"since": "2024-12-01", "until": "2025-03-31"})
    pages = await graph.pages(
        f"{graph.account}/insights",
        fields="impressions,reach",
        time_range=old,
        time_increment="monthly",
        breakdowns="gender",
        limit=500,
    )
    rows = [r for p in pages for r in p["data"]]
    recent = [r for r in rows if r["date_start"] >= "2025-02-01"]
    older = [r for r in rows if r["date_start"] < "2025-02-01"]
    assert recent and all("reach" in r for r in recent)
    assert older and all("reach" not in r for r in older)


async def test_unknown_breakdown_is_100(graph: Graph) -> None:
    answer = await graph.get(f"{graph.account}/insights", breakdowns="zodiac")
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, 100)
