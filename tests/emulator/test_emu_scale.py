"""The big presets stay usable: fleet account listing, large-world insights within sync limits."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.support.emuhelpers import make


async def test_fleet_lists_5000_accounts_once(open_graph: Any) -> None:
    emu = make("fleet")
    graph = await open_graph(emu)
    start = time.perf_counter()
    pages = await graph.pages("me/adaccounts", limit=1000, fields="id,currency,timezone_name")
    ids = [a["id"] for p in pages for a in p["data"]]
    assert len(ids) == len(set(ids)) == 5000
    assert ids == emu.account_ids
    assert time.perf_counter() - start < 30


async def test_large_account_totals_match_truth(open_graph: Any) -> None:
    emu = make("large")
    graph = await open_graph(emu)
    tr = {"since": "2024-03-01", "until": "2026-02-28"}
    every = [
        "ACTIVE",
        "PAUSED",
        "ARCHIVED",
        "DELETED",
        "ADSET_PAUSED",
        "CAMPAIGN_PAUSED",
        "WITH_ISSUES",
    ]
    filtering = json.dumps([{"field": "ad.effective_status", "operator": "IN", "value": every}])
    answer = await graph.get(
        f"{graph.account}/insights",
        level="account",
        fields="impressions,spend",
        time_range=json.dumps(tr),
        filtering=filtering,
    )
    assert answer.status_code == 200
    [row] = answer.json()["data"]
    truth = emu.truth_insights(graph.account, tr["since"], tr["until"])
    assert len(truth) > 20_000
    assert int(row["impressions"]) == sum(int(r["impressions"]) for r in truth)
    assert row["spend"] == f"{sum(int(r['spend'].replace('.', '')) for r in truth) / 100:.2f}"
