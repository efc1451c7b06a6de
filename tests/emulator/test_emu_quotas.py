"""Business Use Case quotas from Meta's formulas, usage headers everywhere, the rolling hour."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any

import pytest

from meta_emulator.quotas import quota
from tests.support.emuhelpers import make


@pytest.mark.parametrize(
    ("use_case", "tier", "active", "want"),
    [
        ("ads_management", "development_access", 10, 700),
        ("ads_management", "standard_access", 10, 100_400),
        ("ads_insights", "development_access", 10, 4600),
        ("ads_insights", "standard_access", 10, 194_000),
    ],
)
def test_quota_formula(use_case: str, tier: str, active: int, want: int) -> None:
    assert quota(use_case, tier, active, 1.0) == want
    assert quota(use_case, tier, active, 0.5) == want // 2


async def test_limit_headers_and_throttle_with_regain_time(open_graph: Any) -> None:
    emu = make(access_tier="development_access", quota_scale=0.02)
    graph = await open_graph(emu)
    acc = graph.account[4:]
    active = emu.runtime.active_ads(acc)
    limit = int((300 + 40 * active) * 0.02)
    assert active > 0
    assert emu.runtime.quotas.limit(acc, "ads_management") == limit
    for n in range(1, limit + 1):
        answer = await graph.get(graph.account)
        assert answer.status_code == 200
        usage = json.loads(answer.headers["x-business-use-case-usage"])[acc]
        mgmt = next(u for u in usage if u["type"] == "ads_management")
        assert mgmt["call_count"] == min(100, math.ceil(100 * n / limit))
        assert mgmt["ads_api_access_tier"] == "development_access"
    emu.clock.advance(600)
    over = await graph.get(graph.account)
    error = over.json()["error"]
    assert (over.status_code, error["code"], error["error_subcode"]) == (400, 80004, 2446079)
    assert error["estimated_time_to_regain_access"] == 50
    usage = json.loads(over.headers["x-business-use-case-usage"])[acc]
    assert (
        next(u for u in usage if u["type"] == "ads_management")["estimated_time_to_regain_access"]
        == 50
    )
    assert json.loads(over.headers["x-ad-account-usage"])["acc_id_util_pct"] == 100
    assert emu.stats["throttled"] == 1
    assert (await graph.get(f"{graph.account}/insights")).status_code == 200  # other use case
    emu.clock.advance(timedelta(minutes=51))
    assert (await graph.get(graph.account)).status_code == 200


async def test_insights_quota_and_insights_header(open_graph: Any) -> None:
    emu = make(access_tier="development_access", quota_scale=0.005)
    graph = await open_graph(emu)
    limit = emu.runtime.quotas.limit(graph.account[4:], "ads_insights")
    for _ in range(limit):
        ok = await graph.get(f"{graph.account}/insights")
        assert "x-fb-ads-insights-throttle" in ok.headers
    over = await graph.get(f"{graph.account}/insights")
    assert over.json()["error"]["code"] == 80000
    assert "x-fb-ads-insights-throttle" in over.headers
    plain = await graph.get(graph.account)
    assert "x-fb-ads-insights-throttle" not in plain.headers


async def test_app_limit_is_code_4(open_graph: Any) -> None:
    graph = await open_graph(make(app_calls_per_hour=3))
    codes = [(await graph.get(graph.account)).status_code for _ in range(4)]
    last = await graph.get("me")
    assert codes == [200, 200, 200, 400]
    assert last.json()["error"]["code"] == 4
    assert json.loads(last.headers["x-app-usage"])["call_count"] == 100
