"""Field expansion on a node: each edge as the plain edge would answer, all in one call."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from meta_emulator import Emulator
from tests.support.emuhelpers import BASE, Graph

STATUSES = ["ACTIVE", "PAUSED", "ARCHIVED", "CAMPAIGN_PAUSED", "ADSET_PAUSED", "WITH_ISSUES"]
FIELDS = {
    "campaigns": "id,name,effective_status,updated_time,daily_budget",
    "adsets": "id,name,campaign_id,targeting,effective_status",
    "ads": "id,name,adset_id,creative{id},effective_status",
    "adcreatives": "id,name,title",
}


def status_filter(level: str) -> str:
    rule = {"field": f"{level}.effective_status", "operator": "IN", "value": STATUSES}
    return json.dumps([rule], separators=(",", ":"))


def edge_requests(limit: int) -> dict[str, dict[str, str]]:
    """The plain edge params of each edge (filtered on status, except creatives)."""
    out: dict[str, dict[str, str]] = {}
    for edge, level in (("campaigns", "campaign"), ("adsets", "adset"), ("ads", "ad")):
        out[edge] = {"fields": FIELDS[edge], "limit": str(limit), "filtering": status_filter(level)}
    out["adcreatives"] = {"fields": FIELDS["adcreatives"], "limit": str(limit)}
    return out


def expansion(edge: str, params: dict[str, str]) -> str:
    mods = "".join(f".{k}({v})" for k, v in params.items() if k != "fields")
    return f"{edge}{mods}{{{params['fields']}}}"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


async def test_expanded_first_page_equals_the_plain_edge(graph: Graph) -> None:
    requests = edge_requests(3)
    fields = ",".join(["name", *(expansion(e, p) for e, p in requests.items())])
    node = (await graph.get(graph.account, fields=fields)).json()
    assert node["name"] and node["id"] == graph.account
    for edge, params in requests.items():
        plain = (await graph.get(f"{graph.account}/{edge}", **params)).json()
        assert node[edge]["data"] == plain["data"], edge
        assert node[edge]["paging"]["cursors"] == plain["paging"]["cursors"], edge
        assert query(node[edge]["paging"]["next"]) == query(plain["paging"]["next"]), edge
        assert node[edge]["paging"]["next"].startswith(f"{BASE}/v25.0/{graph.account}/{edge}?")


async def test_following_next_returns_every_row_once(graph: Graph) -> None:
    requests = edge_requests(3)
    fields = ",".join(expansion(e, p) for e, p in requests.items())
    node = (await graph.get(graph.account, fields=fields)).json()
    for edge, params in requests.items():
        every = [r["id"] for p in await graph.pages(f"{graph.account}/{edge}", **params)
                 for r in p["data"]]  # fmt: skip
        page, ids = node[edge], []
        while True:
            ids += [r["id"] for r in page["data"]]
            if "next" not in page["paging"]:
                break
            assert urlsplit(page["paging"]["next"]).path.endswith(f"/{graph.account}/{edge}")
            page = (await graph.client.get(page["paging"]["next"])).json()
        assert len(ids) == len(set(ids)) > 3, edge
        assert ids == every, edge


async def test_statuses_as_the_plain_edge_archived_when_asked_deleted_never(
    open_graph: Any, make_emulator: Any
) -> None:
    emu: Emulator = make_emulator("agency")
    graph: Graph = await open_graph(emu)
    graph.account = "act_1000100000002"  # campaigns, ad sets and ads archived and deleted
    truth = emu.truth_entities(graph.account)
    fields = ",".join(expansion(e, p) for e, p in edge_requests(500).items())
    asked = (await graph.get(graph.account, fields=fields)).json()
    plain = (await graph.get(graph.account, fields="ads.limit(500){effective_status}")).json()
    for edge in ("campaigns", "adsets", "ads"):
        statuses = {o["id"]: o["effective_status"] for o in truth[edge]}
        assert {"ARCHIVED", "DELETED"} <= set(statuses.values()), edge
        listed = {o["id"]: o["effective_status"] for o in asked[edge]["data"]}
        assert listed == {i: s for i, s in statuses.items() if s != "DELETED"}, edge
    unasked = {a["effective_status"] for a in plain["ads"]["data"]}
    assert unasked and unasked.isdisjoint({"ARCHIVED", "DELETED"})


async def test_one_call_counted_whatever_the_edges(graph: Graph, emu: Emulator) -> None:
    before = emu.stats
    fields = ",".join(expansion(e, p) for e, p in edge_requests(2).items())
    answer = await graph.get(graph.account, fields=fields)
    assert answer.status_code == 200
    after = emu.stats
    assert after["calls"] - before["calls"] == 1
    assert after["by_kind"].get("node:expanded", 0) - before["by_kind"].get("node:expanded", 0) == 1
    assert emu.call_log(1)[0]["path"].endswith(graph.account)
    assert "x-business-use-case-usage" in answer.headers
    ad = answer.json()["ads"]["data"][0]["id"]
    await graph.get(ad, fields="id,creative{id}")  # an object field's selection: no edge
    assert emu.call_log(1)[0]["kind"] == "node"


async def test_an_empty_edge_is_left_out_and_a_bare_edge_name_expands(graph: Graph) -> None:
    nothing = json.dumps([{"field": "id", "operator": "IN", "value": ["1"]}])
    node = (
        await graph.get(graph.account, fields=f"id,campaigns.filtering({nothing}){{id}},adsets")
    ).json()
    assert "campaigns" not in node
    assert node["adsets"]["data"] and set(node["adsets"]["data"][0]) == {"id"}


async def test_expansion_on_a_campaign_node(graph: Graph, emu: Emulator) -> None:
    campaign = (await graph.get(f"{graph.account}/campaigns", limit=1)).json()["data"][0]["id"]
    node = (await graph.get(campaign, fields="name,ads.limit(50){id,campaign_id}")).json()
    plain = (await graph.get(f"{campaign}/ads", fields="id,campaign_id", limit=50)).json()
    assert node.get("ads", {"data": []})["data"] == plain["data"]


@pytest.mark.parametrize(
    "fields",
    [
        "campaigns{id",
        "campaigns.limit(5{id}",
        "campaigns.limit{id}",
        "campaigns{id}}",
        "id,,name",
        'campaigns.filtering([{"field":"id","value":["1"}]){id}',
        'campaigns.filtering([{"field":"id","value":["1)]){id}',
        "campaigns{}",
        "campaigns{id,nonexisting_field}",
        "campaigns.filtering(not json){id}",
        "campaigns.limit(many){id}",
        "insights{impressions}",
    ],
)
async def test_malformed_or_invalid_expansion_is_code_100(graph: Graph, fields: str) -> None:
    answer = await graph.get(graph.account, fields=fields)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100


async def test_json_with_commas_and_brackets_inside_strings_parses(graph: Graph) -> None:
    odd = json.dumps([{"field": "id", "operator": "NOT_IN", "value": ["a,b", "c)}]{(", 'q"x']}])
    node = (await graph.get(graph.account, fields=f"campaigns.filtering({odd}){{id}}")).json()
    plain = (await graph.get(f"{graph.account}/campaigns", filtering=odd, fields="id")).json()
    assert node["campaigns"]["data"] == plain["data"] != []
