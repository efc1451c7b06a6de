"""Batch: at most 50 items, string bodies, per-item errors and headers, null items."""

from __future__ import annotations

import json
from typing import Any

from tests.support.emuhelpers import Graph, make


def _batch(graph: Graph, urls: list[str]) -> str:
    return json.dumps([{"method": "GET", "relative_url": u} for u in urls])


async def test_items_answer_in_order_with_own_codes(graph: Graph) -> None:
    urls = [
        f"v25.0/{graph.account}?fields=id,name",
        "v25.0/999999?fields=id",
        f"v25.0/{graph.account}/campaigns?limit=2",
    ]
    answer = await graph.post("", batch=_batch(graph, urls))
    items = answer.json()
    assert answer.status_code == 200
    assert [i["code"] for i in items] == [200, 400, 200]
    assert all(isinstance(i["body"], str) for i in items)
    assert json.loads(items[0]["body"])["id"] == graph.account
    assert json.loads(items[1]["body"])["error"]["code"] == 100
    names = {h["name"] for h in items[0]["headers"]}
    assert {"x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"} <= names
    assert graph.emu.stats["batch_items"] == 3
    assert graph.emu.stats["calls"] == 3


async def test_more_than_50_items_is_refused(graph: Graph) -> None:
    answer = await graph.post("", batch=_batch(graph, [f"v25.0/{graph.account}"] * 51))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100
    ok = await graph.post("", batch=_batch(graph, [f"v25.0/{graph.account}"] * 50))
    assert len(ok.json()) == 50


async def test_null_items_under_the_fault(open_graph: Any) -> None:
    emu = make()
    emu.set_faults(batch_null=0.5)
    graph = await open_graph(emu)
    items = (await graph.post("", batch=_batch(graph, [f"v25.0/{graph.account}"] * 40))).json()
    assert None in items
    assert any(i is not None and i["code"] == 200 for i in items)


async def test_each_item_counts_against_the_quota(open_graph: Any) -> None:
    emu = make(access_tier="development_access", quota_scale=0.01)
    graph = await open_graph(emu)
    limit = emu.runtime.quotas.limit(graph.account[4:], "ads_management")
    items = (
        await graph.post("", batch=_batch(graph, [f"v25.0/{graph.account}"] * (limit + 2)))
    ).json()
    codes = [i["code"] for i in items]
    assert codes[:limit] == [200] * limit
    assert codes[limit:] == [400, 400]
    assert json.loads(items[-1]["body"])["error"]["code"] == 80004


async def test_batch_on_a_versioned_root_carries_app_usage(graph: Graph) -> None:
    answer = await graph.client.post(
        "/v25.0/", data={**graph.auth, "batch": _batch(graph, [f"v25.0/{graph.account}"])}
    )
    assert answer.status_code == 200
    assert "x-app-usage" in answer.headers
    assert answer.json()[0]["code"] == 200
