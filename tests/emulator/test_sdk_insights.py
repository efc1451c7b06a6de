"""Meta's SDK as the client: sync and async insights with the SDK's parameter encoding (JSON
arrays and objects), breakdowns and action breakdowns, time_ranges, every AdsInsights field,
batch calls; results equal the world's ground truth."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adreportrun import AdReportRun
from facebook_business.adobjects.adsinsights import AdsInsights
from facebook_business.adobjects.campaign import Campaign
from facebook_business.exceptions import FacebookRequestError

from meta_emulator import TRUTH_FIELDS
from tests.support.emuhelpers import make
from tests.support.sdkhelpers import Served, exported, field_names, serve

SINCE, UNTIL = "2026-01-20", "2026-02-10"
STATUSES = ["ACTIVE", "PAUSED", "ARCHIVED", "DELETED", "WITH_ISSUES", "ADSET_PAUSED",
            "CAMPAIGN_PAUSED"]  # fmt: skip
DAILY = {
    "level": "ad",
    "time_increment": 1,
    "time_range": {"since": SINCE, "until": UNTIL},
    "filtering": [{"field": "ad.effective_status", "operator": "IN", "value": STATUSES}],
}


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serve(make(report_run_s=0.3, report_race_rate=0.5)) as s:
        yield s


def _insights(served: Served, fields: list[str], params: dict[str, Any]) -> list[dict[str, Any]]:
    account = AdAccount(served.account, api=served.api)
    return [exported(r) for r in account.get_insights(fields=fields, params=params)]


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(row.get(k, "")) for k in ("ad_id", "date_start", *sorted(row)))


def test_daily_ad_rows_equal_the_ground_truth(served: Served) -> None:
    got = _insights(served, list(TRUTH_FIELDS), {**DAILY, "limit": 40})
    truth = served.emu.truth_insights(served.account, SINCE, UNTIL)
    assert len(truth) > 40  # more than one page
    assert sorted(got, key=_key) == sorted(truth, key=_key)


@pytest.mark.parametrize(
    ("breakdowns", "action_breakdowns"),
    [
        (["age", "gender"], ["action_type"]),
        (["country"], ["action_type"]),
        (["region"], ["action_type"]),
        (["publisher_platform", "platform_position"], ["action_type", "action_device"]),
        (["impression_device"], ["action_type", "action_target_id"]),
        ([], ["action_type", "action_destination"]),
    ],
)
def test_breakdowns_as_the_sdk_sends_them_equal_the_truth(
    served: Served, breakdowns: list[str], action_breakdowns: list[str]
) -> None:
    params = {**DAILY, "breakdowns": breakdowns, "action_breakdowns": action_breakdowns}
    got = _insights(served, list(TRUTH_FIELDS), {**params, "limit": 500})
    truth = served.emu.truth_insights(served.account, SINCE, UNTIL, breakdowns, action_breakdowns)
    assert got and sorted(got, key=_key) == sorted(truth, key=_key)
    assert all(all(b in r for b in breakdowns) for r in got)


def test_every_adsinsights_field_is_accepted_and_consistent(served: Served) -> None:
    fields = field_names(AdsInsights)
    rows = _insights(
        served, fields, {"level": "campaign", "time_range": {"since": SINCE, "until": UNTIL}}
    )
    assert rows
    for r in rows:
        assert set(r) <= set(fields)
        imp, clicks, reach = int(r["impressions"]), int(r["clicks"]), int(r["reach"])
        spend = float(r["spend"])
        assert float(r["ctr"]) == pytest.approx(clicks * 100 / imp, rel=1e-5)
        assert float(r["cpm"]) == pytest.approx(spend * 1000 / imp, rel=1e-5)
        assert float(r["frequency"]) == pytest.approx(imp / reach, rel=1e-5)
        assert int(r["unique_clicks"]) <= min(clicks, reach)
        assert float(r["cost_per_unique_click"]) == pytest.approx(
            spend / int(r["unique_clicks"]), rel=1e-5
        )
        if clicks:
            assert float(r["cpc"]) == pytest.approx(spend / clicks, rel=1e-5)
        assert "ad_id" not in r and r["campaign_id"]


def test_time_ranges_give_one_result_per_range(served: Served) -> None:
    ranges = [{"since": "2026-02-01", "until": "2026-02-01"}, {"since": SINCE, "until": UNTIL}]
    rows = _insights(served, ["impressions", "spend"], {"level": "account", "time_ranges": ranges})
    assert [(r["date_start"], r["date_stop"]) for r in rows] == [
        ("2026-02-01", "2026-02-01"),
        (SINCE, UNTIL),
    ]
    truth = served.emu.truth_insights(served.account, "2026-02-01", "2026-02-01")
    assert int(rows[0]["impressions"]) == sum(int(t["impressions"]) for t in truth)


def test_async_report_run_through_the_sdk(served: Served) -> None:
    account = AdAccount(served.account, api=served.api)
    run = account.get_insights_async(fields=list(TRUTH_FIELDS), params=DAILY)
    assert isinstance(run, AdReportRun)
    deadline = time.monotonic() + 20
    while True:
        try:
            status = run.api_get()[AdReportRun.Field.async_status]
        except FacebookRequestError as race:  # the 100/33 right after creation: poll again
            assert (race.api_error_code(), race.api_error_subcode()) == (100, 33)
            continue
        if status == "Job Completed":
            break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    got = [exported(r) for r in run.get_insights(params={"limit": 25})]
    truth = served.emu.truth_insights(served.account, SINCE, UNTIL)
    assert sorted(got, key=_key) == sorted(truth, key=_key)


def test_batch_calls_through_the_sdk_batch_api(served: Served) -> None:
    truth = served.emu.truth_entities(served.account)["campaigns"]
    batch = served.api.new_batch()
    ok: list[dict[str, Any]] = []
    failed: list[FacebookRequestError] = []
    ids = [c["id"] for c in truth[:3]] + ["238500199999999999"]
    for cid in ids:
        Campaign(cid, api=served.api).api_get(
            fields=["id", "name", "objective"],
            batch=batch,
            success=lambda r: ok.append(r.json()),
            failure=lambda r: failed.append(r.error()),
        )
    AdAccount(served.account, api=served.api).get_insights(
        fields=["impressions"],
        params={"level": "account", "time_range": {"since": SINCE, "until": UNTIL}},
        batch=batch,
        success=lambda r: ok.append(r.json()),
        failure=lambda r: failed.append(r.error()),
    )
    batch.execute()
    by_id = {c["id"]: c for c in truth}
    assert [o["name"] for o in ok[:3]] == [by_id[i]["name"] for i in ids[:3]]
    assert ok[3]["data"][0]["impressions"]
    assert [(e.api_error_code(), e.api_error_subcode()) for e in failed] == [(100, 33)]


def test_refusals_are_metas(served: Served) -> None:
    account = AdAccount(served.account, api=served.api)
    cases = [
        ({"fields": ["impressions", "nope"]}, "nope is not valid for fields param"),
        (
            {"breakdowns": ["age", "country"]},
            "Current combination of data breakdown columns (action_type, age, country)",
        ),
        ({"breakdowns": ["platform_position"]}, "Current combination of data breakdown"),
        ({"time_increment": 91}, "time_increment"),
    ]
    for params, message in cases:
        fields = params.pop("fields", ["impressions"])
        with pytest.raises(FacebookRequestError) as err:
            list(account.get_insights(fields=fields, params={**params, "date_preset": "last_7d"}))
        assert err.value.api_error_code() == 100
        assert message in err.value.api_error_message()


def test_view_windows_meta_stopped_returning_are_left_out(served: Served) -> None:
    rows = _insights(
        served,
        ["actions"],
        {
            "level": "account",
            "time_range": {"since": SINCE, "until": UNTIL},
            "action_attribution_windows": ["7d_click", "1d_view", "7d_view", "28d_view"],
        },
    )
    items = [a for r in rows for a in r["actions"]]
    assert items and all("7d_click" in a for a in items)
    assert any("1d_view" in a for a in items)  # conversions carry it (engagement does not)
    assert not any("7d_view" in a or "28d_view" in a for a in items)


def test_fields_and_breakdowns_passed_as_params_are_json_arrays(served: Served) -> None:
    """``params={"fields": [...]}`` is sent as ``fields=["ad_id",...]`` (the SDK JSON-encodes
    every list it finds in params), the encoding the issue began with."""
    params = {**DAILY, "fields": list(TRUTH_FIELDS), "breakdowns": ["age"], "limit": 200}
    account = AdAccount(served.account, api=served.api)
    got = [exported(r) for r in account.get_insights(params=params)]
    truth = served.emu.truth_insights(served.account, SINCE, UNTIL, ["age"])
    assert got and sorted(got, key=_key) == sorted(truth, key=_key)
