"""Insights: levels agree with ad-level sums, ground truth equals the API, dates and money."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from meta_emulator import TRUTH_FIELDS, Emulator
from tests.support.emuhelpers import Graph, make

FIELDS = "account_id,campaign_id,adset_id,ad_id,impressions,clicks,spend,actions,action_values"
ADDITIVE = ("impressions", "clicks", "spend")


def _minor(value: str) -> int:
    return int(value.replace(".", "")) if "." in value else int(value) * 100


def _sums(rows: list[dict[str, Any]], key: str) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        bucket = out[(r.get(key, ""), r["date_start"])]
        for m in ADDITIVE:
            bucket[m] += _minor(r[m]) if m == "spend" else int(r[m])
        for kind in ("actions", "action_values"):
            for a in r.get(kind, []):
                bucket[f"{kind}:{a['action_type']}"] += (
                    _minor(a["value"]) if kind == "action_values" else int(a["value"])
                )
    return {k: dict(v) for k, v in out.items()}


async def _rows(graph: Graph, **params: Any) -> list[dict[str, Any]]:
    pages = await graph.pages(f"{graph.account}/insights", fields=FIELDS, limit=500, **params)
    return [r for p in pages for r in p["data"]]


@pytest.mark.parametrize("increment", ["1", "all_days"])
@pytest.mark.parametrize("level", ["account", "campaign", "adset"])
async def test_levels_equal_sums_of_ad_rows(graph: Graph, level: str, increment: str) -> None:
    tr = json.dumps({"since": "2026-01-01", "until": "2026-02-28"})
    ads = await _rows(graph, level="ad", time_increment=increment, time_range=tr)
    agg = await _rows(graph, level=level, time_increment=increment, time_range=tr)
    key = f"{level}_id"
    assert len(agg) > 0
    assert _sums(agg, key) == _sums(ads, key)


async def test_truth_equals_api_ad_rows_including_deleted(graph: Graph, emu: Emulator) -> None:
    statuses = [
        "ACTIVE",
        "PAUSED",
        "ARCHIVED",
        "DELETED",
        "WITH_ISSUES",
        "ADSET_PAUSED",
        "CAMPAIGN_PAUSED",
    ]
    filtering = json.dumps([{"field": "ad.effective_status", "operator": "IN", "value": statuses}])
    pages = await graph.pages(
        f"{graph.account}/insights",
        level="ad",
        time_increment=1,
        limit=1000,
        fields=",".join(f for f in TRUTH_FIELDS if f not in ("date_start", "date_stop")),
        filtering=filtering,
        time_range=json.dumps({"since": "2025-11-01", "until": "2026-03-01"}),
    )
    api = [r for p in pages for r in p["data"]]
    truth = emu.truth_insights(graph.account, date(2025, 11, 1), date(2026, 3, 1))
    assert api == truth
    assert set(truth[0]) >= set(TRUTH_FIELDS) - {"actions", "action_values"}


async def test_deleted_ads_are_omitted_unless_filtered_for(open_graph: Any) -> None:
    emu = make("agency")
    graph = await open_graph(emu)
    graph.account = next(a for a in emu.account_ids if "DELETED" in emu.truth_ad_status(a).values())
    status = emu.truth_ad_status(graph.account)
    deleted = {a for a, s in status.items() if s == "DELETED"}
    tr = json.dumps({"since": "2023-03-01", "until": "2026-02-28"})
    plain = await graph.pages(
        f"{graph.account}/insights", level="ad", fields="ad_id", time_range=tr, limit=1000
    )
    seen = {r["ad_id"] for p in plain for r in p["data"]}
    assert deleted and not seen & deleted
    filtering = json.dumps(
        [{"field": "ad.effective_status", "operator": "IN", "value": ["DELETED"]}]
    )
    only = await graph.pages(
        f"{graph.account}/insights",
        level="ad",
        fields="ad_id",
        time_range=tr,
        limit=1000,
        filtering=filtering,
    )
    assert {r["ad_id"] for p in only for r in p["data"]} <= deleted
    assert any(p["data"] for p in only)


async def test_jpy_amounts_have_no_decimals(open_graph: Any) -> None:
    emu = make("agency")
    graph = await open_graph(emu)
    node = (await graph.get(graph.account, fields="currency,timezone_name")).json()
    assert node == {"currency": "JPY", "timezone_name": "Asia/Tokyo", "id": graph.account}
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
    rows = await _rows(
        graph, level="ad", time_increment=1, date_preset="maximum", filtering=filtering
    )
    assert rows and all("." not in r["spend"] for r in rows)
    values = [a["value"] for r in rows for a in r.get("action_values", [])]
    assert all("." not in v for v in values)
    usd = await open_graph(make("small"))
    assert all("." in r["spend"] for r in await _rows(usd, level="ad", time_increment=1))


@pytest.mark.parametrize(
    ("index", "clock", "today"),
    [
        (1, datetime(2026, 3, 1, 10, 59, tzinfo=UTC), "2026-03-01"),  # Tongatapu +13: 23:59
        (1, datetime(2026, 3, 1, 11, 0, tzinfo=UTC), "2026-03-02"),  # Tongatapu: midnight
        (2, datetime(2026, 3, 1, 9, 59, tzinfo=UTC), "2026-02-28"),  # Honolulu -10: 23:59
        (3, datetime(2026, 3, 1, 18, 30, tzinfo=UTC), "2026-03-02"),  # Kolkata +5:30: midnight
        (3, datetime(2026, 3, 1, 18, 29, tzinfo=UTC), "2026-03-01"),
    ],
)
async def test_days_follow_the_account_time_zone(
    open_graph: Any, index: int, clock: datetime, today: str
) -> None:
    emu = make("agency")
    emu.clock.set(clock)
    graph = await open_graph(emu)
    account = emu.account_ids[index]
    body = (await graph.get(f"{account}/insights", date_preset="today", level="account")).json()
    assert all(r["date_start"] == today for r in body["data"])
    nxt = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    future = await graph.get(
        f"{account}/insights", time_range=json.dumps({"since": today, "until": nxt})
    )
    assert future.status_code == 400
    assert future.json()["error"]["code"] == 100
    ok = await graph.get(
        f"{account}/insights", time_range=json.dumps({"since": today, "until": today})
    )
    assert ok.status_code == 200


async def test_start_beyond_37_months_is_3018(graph: Graph) -> None:
    tr = json.dumps({"since": "2023-01-31", "until": "2023-03-01"})
    answer = await graph.get(f"{graph.account}/insights", time_range=tr)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 3018
    tr_ok = json.dumps({"since": "2023-02-01", "until": "2023-03-01"})
    assert (await graph.get(f"{graph.account}/insights", time_range=tr_ok)).status_code == 200


async def test_too_many_rows_and_reduce_data(open_graph: Any) -> None:
    graph = await open_graph(make(max_sync_rows=20, max_sync_ad_days=300))
    tr = json.dumps({"since": "2026-02-22", "until": "2026-02-28"})
    rows = await graph.get(
        f"{graph.account}/insights",
        level="ad",
        time_increment=1,
        time_range=json.dumps({"since": "2026-02-20", "until": "2026-02-28"}),
    )
    assert rows.status_code == 400
    assert (rows.json()["error"]["code"], rows.json()["error"]["error_subcode"]) == (100, 1487534)
    big = await graph.get(
        f"{graph.account}/insights",
        level="account",
        time_increment="all_days",
        time_range=json.dumps({"since": "2025-01-01", "until": "2026-02-28"}),
    )
    assert big.status_code == 500
    assert big.json()["error"]["code"] == 1
    assert (
        await graph.get(f"{graph.account}/insights", level="account", time_range=tr)
    ).status_code == 200


async def test_attribution_windows_add_keys(graph: Graph) -> None:
    rows = await _rows(
        graph,
        level="campaign",
        date_preset="last_90d",
        action_attribution_windows='["1d_click","7d_click","28d_click","1d_view"]',
    )
    conversions = [
        a for r in rows for a in r.get("actions", []) if a["action_type"] != "link_click"
    ]
    assert conversions
    for a in conversions:
        assert int(a["1d_click"]) <= int(a["7d_click"]) <= int(a["28d_click"])
        assert int(a["value"]) == int(a["7d_click"]) + int(a.get("1d_view", 0))


async def test_unknown_field_is_rejected(graph: Graph) -> None:
    answer = await graph.get(f"{graph.account}/insights", fields="impressions,bogus")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100


@pytest.mark.parametrize(
    ("preset", "since", "until"),
    [("yesterday", "2026-02-28", "2026-02-28"), ("last_7d", "2026-02-22", "2026-02-28"),
     ("this_month", "2026-03-01", "2026-03-01"), ("last_month", "2026-02-01", "2026-02-28"),
     ("last_quarter", "2025-10-01", "2025-12-31"),
     ("last_week_mon_sun", "2026-02-16", "2026-02-22"),
     ("last_year", "2025-01-01", "2025-12-31"), ("maximum", "2023-02-01", "2026-03-01")],
)  # fmt: skip
async def test_date_presets_in_the_account_time_zone(
    graph: Graph, preset: str, since: str, until: str
) -> None:
    body = (
        await graph.get(f"{graph.account}/insights", date_preset=preset, level="account")
    ).json()
    # today is 2026-03-01 in America/Los_Angeles (a Sunday); the small world started in Nov 2025
    assert all((r["date_start"], r["date_stop"]) == (since, until) for r in body["data"])
    assert body["data"] or preset in ("last_quarter", "last_year", "this_month")
