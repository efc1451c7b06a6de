"""Meta's parameter dialect: list encodings, dates, filtering operators, sort, summaries,
before cursors, attribution flags, quirks at their configured rates, headers per version."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.emuhelpers import Graph, make

RANGE = json.dumps({"since": "2026-02-01", "until": "2026-02-14"})
INSIGHT_FIELDS = "ad_id,impressions,clicks,spend"


async def _data(graph: Graph, path: str, **params: Any) -> list[dict[str, Any]]:
    return [r for p in await graph.pages(path, **params) for r in p["data"]]


async def test_comma_lists_and_json_arrays_are_the_same_request(graph: Graph) -> None:
    path = f"{graph.account}/insights"
    common = {"level": "ad", "time_range": RANGE, "limit": 500}
    comma = await _data(graph, path, fields=INSIGHT_FIELDS, breakdowns="age,gender", **common)
    array = await _data(
        graph,
        path,
        fields=json.dumps(INSIGHT_FIELDS.split(",")),
        breakdowns='["age","gender"]',
        **common,
    )
    assert comma == array and comma
    nodes = await _data(graph, f"{graph.account}/campaigns", fields='["id","name"]')
    assert nodes == await _data(graph, f"{graph.account}/campaigns", fields="id,name")
    statuses = await _data(graph, f"{graph.account}/ads", effective_status="PAUSED,ACTIVE")
    assert statuses == await _data(
        graph, f"{graph.account}/ads", effective_status='["PAUSED","ACTIVE"]'
    )


@pytest.mark.parametrize(
    "preset",
    ["today", "yesterday", "this_month", "last_month", "this_quarter", "last_quarter",
     "this_year", "last_year", "this_week_mon_today", "this_week_sun_today",
     "last_week_mon_sun", "last_week_sun_sat", "last_3d", "last_7d", "last_14d", "last_28d",
     "last_30d", "last_90d", "maximum", "data_maximum"],
)  # fmt: skip
async def test_every_date_preset_is_accepted(graph: Graph, preset: str) -> None:
    answer = await graph.get(f"{graph.account}/insights", date_preset=preset, level="account")
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("increment", "ok"), [("1", True), ("90", True), ("monthly", True),
                                               ("all_days", True), ("0", False), ("91", False),
                                               ("weekly", False)])  # fmt: skip
async def test_time_increment_bounds(graph: Graph, increment: str, ok: bool) -> None:
    answer = await graph.get(
        f"{graph.account}/insights", time_range=RANGE, time_increment=increment
    )
    assert (answer.status_code == 200) is ok
    if not ok:
        assert answer.json()["error"]["code"] == 100


async def test_filtering_operators_on_insights(graph: Graph) -> None:
    path = f"{graph.account}/insights"
    base = {"level": "ad", "fields": "campaign_name,impressions", "time_range": RANGE}
    everything = await _data(graph, path, **base)
    name = everything[0]["campaign_name"]
    middle = sorted(int(r["impressions"]) for r in everything)[len(everything) // 2]
    rules = {
        "CONTAIN": [{"field": "campaign.name", "operator": "CONTAIN", "value": name[-4:]}],
        "GREATER_THAN": [{"field": "impressions", "operator": "GREATER_THAN", "value": middle}],
        "IN_RANGE": [{"field": "impressions", "operator": "IN_RANGE", "value": [0, middle]}],
        "STARTS_WITH": [{"field": "campaign.name", "operator": "STARTS_WITH", "value": name}],
    }
    expect = {
        "CONTAIN": [r for r in everything if name[-4:].lower() in r["campaign_name"].lower()],
        "GREATER_THAN": [r for r in everything if int(r["impressions"]) > middle],
        "IN_RANGE": [r for r in everything if 0 <= int(r["impressions"]) <= middle],
        "STARTS_WITH": [
            r for r in everything if r["campaign_name"].lower().startswith(name.lower())
        ],
    }
    for op, rule in rules.items():
        got = await _data(graph, path, **base, filtering=json.dumps(rule))
        assert got == expect[op], op
        assert 0 < len(got) < len(everything), op  # each rule keeps some rows, not all
    bad = await graph.get(path, filtering='[{"field":"impressions","operator":"LIKE","value":1}]')
    assert bad.json()["error"]["code"] == 100


async def test_filtering_operators_on_edges(graph: Graph, emu: Any) -> None:
    truth = [
        c
        for c in emu.truth_entities(graph.account)["campaigns"]
        if c["effective_status"] not in ("ARCHIVED", "DELETED")
    ]
    rule = [{"field": "campaign.name", "operator": "NOT_CONTAIN", "value": "Sales"}]
    got = await _data(
        graph, f"{graph.account}/campaigns", fields="id,name", filtering=json.dumps(rule)
    )
    assert sorted(c["id"] for c in got) == sorted(
        c["id"] for c in truth if "sales" not in c["name"].lower()
    )


async def test_sort_orders_the_whole_result(graph: Graph) -> None:
    rows = await _data(
        graph,
        f"{graph.account}/insights",
        level="ad",
        fields="ad_id,spend",
        time_range=RANGE,
        sort='["spend_descending"]',
        limit=3,
    )
    spends = [float(r["spend"]) for r in rows]
    assert len(rows) > 3 and spends == sorted(spends, reverse=True)


async def test_summary_and_default_summary(graph: Graph) -> None:
    path = f"{graph.account}/insights"
    params = {"level": "ad", "fields": "ad_id,impressions,spend", "time_range": RANGE}
    rows = await _data(graph, path, **params, limit=500)
    page = (await graph.get(path, **params, default_summary="true", limit=2)).json()
    assert int(page["summary"]["impressions"]) == sum(int(r["impressions"]) for r in rows)
    assert (page["summary"]["date_start"], page["summary"]["date_stop"]) == (
        "2026-02-01",
        "2026-02-14",
    )
    only = (await graph.get(path, **params, summary='["impressions"]')).json()["summary"]
    assert set(only) == {"impressions", "date_start", "date_stop"}
    plain = (await graph.get(path, **params, summary="true")).json()
    assert "summary" not in plain  # what the SDK's cursor sends: nothing to summarise
    edge = (await graph.get(f"{graph.account}/campaigns", summary="true", limit=1)).json()
    assert edge["summary"]["total_count"] == len(await _data(graph, f"{graph.account}/campaigns"))


async def test_before_cursors_page_backwards(graph: Graph) -> None:
    path = f"{graph.account}/ads"
    first = (await graph.get(path, fields="id", limit=4)).json()
    second = (await graph.client.get(first["paging"]["next"])).json()
    back = (await graph.client.get(second["paging"]["previous"])).json()
    assert back["data"] == first["data"]


@pytest.mark.parametrize(
    "flag", ["use_unified_attribution_setting", "use_account_attribution_setting"]
)
async def test_attribution_flags_are_booleans(graph: Graph, flag: str) -> None:
    path = f"{graph.account}/insights"
    plain = (await graph.get(path, fields="actions", time_range=RANGE)).json()["data"]
    flagged = await graph.get(path, fields="actions", time_range=RANGE, **{flag: "true"})
    assert flagged.json()["data"] == plain  # `value` already is the ad set's setting
    assert (await graph.get(path, **{flag: "maybe"})).json()["error"]["code"] == 100


async def test_action_breakdowns_split_and_add_up(graph: Graph) -> None:
    path = f"{graph.account}/insights"
    params = {"level": "campaign", "fields": "campaign_id,actions", "time_range": RANGE}
    plain = await _data(graph, path, **params)
    split = await _data(graph, path, **params, action_breakdowns='["action_type","action_device"]')
    for a, b in zip(plain, split, strict=True):
        totals: dict[str, int] = {}
        for item in b["actions"]:
            totals[item["action_type"]] = totals.get(item["action_type"], 0) + int(item["value"])
        on_meta = {
            i["action_type"]: int(i["value"])
            for i in a["actions"]
            if i["action_type"] != "mobile_app_install"
        }
        assert totals == on_meta
        assert all(
            "action_device" in i
            for i in b["actions"]
            if not i["action_type"].startswith(("offsite", "purchase", "add_to_cart"))
        )
    bad = await graph.get(path, action_breakdowns="action_zodiac")
    assert bad.json()["error"]["code"] == 100


async def test_the_race_is_occasional_and_configurable(open_graph: Any) -> None:
    async def races(rate: float) -> int:
        graph = await open_graph(make(report_race_rate=rate, report_run_s=100.0))
        hits = 0
        for _ in range(40):
            run = (await graph.post(f"{graph.account}/insights", level="account")).json()
            hits += (await graph.get(run["report_run_id"])).status_code == 400
        return hits

    assert await races(0.0) == 0
    assert await races(1.0) == 40
    assert 0 < await races(0.1) < 12


async def test_account_usage_header_only_up_to_its_last_version(open_graph: Any) -> None:
    emu = make(ad_account_usage_until="v25.0")
    old = await open_graph(emu, "v25.0")
    new = await open_graph(emu, "v26.0")
    assert "x-ad-account-usage" in (await old.get(old.account)).headers
    answer = await new.get(new.account)
    assert "x-ad-account-usage" not in answer.headers
    assert "x-business-use-case-usage" in answer.headers
    always = await open_graph(make(), "v26.0")
    assert "x-ad-account-usage" in (await always.get(always.account)).headers


async def test_control_api_openapi_and_split_truth(graph: Graph, emu: Any) -> None:
    spec = (await graph.client.get("/__emulator/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert "/__emulator/truth/insights" in spec["paths"]
    q = {"account_id": graph.account, "since": "2026-02-01", "until": "2026-02-03"}
    split = await graph.client.get(
        "/__emulator/truth/insights", params={**q, "breakdowns": "country"}
    )
    rows = split.json()["data"]
    assert rows and all("country" in r for r in rows)
    assert rows == emu.truth_insights(graph.account, "2026-02-01", "2026-02-03", ["country"])
    refused = await graph.client.get(
        "/__emulator/truth/insights", params={**q, "breakdowns": "age,country"}
    )
    assert refused.status_code == 400 and "combination" in refused.json()["error"]
