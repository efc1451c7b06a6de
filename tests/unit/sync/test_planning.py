"""Pure planning: insights ranges, query parameters, sync vs async, structure staleness."""

from __future__ import annotations

from datetime import date

from metasync.db.insights import InsightsWindow
from metasync.sync.insights import InsightsPlan, plan_range, query_params, use_async
from metasync.sync.structure import LISTED_STATUSES, edge_requests, unlisted

TODAY = date(2026, 3, 10)
# What insights_window reads from the database for TODAY (37 months back: 2023-02-10).
WINDOW = InsightsWindow(TODAY, date(2023, 2, 10))


def test_range_never_ends_after_today() -> None:
    plan = plan_range(date(2026, 3, 1), date(2026, 3, 20), WINDOW, None)
    assert plan == InsightsPlan(date(2026, 3, 1), TODAY, None)
    assert plan_range(date(2026, 3, 11), date(2026, 3, 12), WINDOW, None) is None


def test_range_clamped_to_the_history_window_with_margin() -> None:
    plan = plan_range(date(2020, 1, 1), date(2023, 6, 30), WINDOW, None)
    assert plan is not None and plan.since == date(2023, 2, 11)
    assert plan_range(date(2020, 1, 1), date(2022, 1, 1), WINDOW, None) is None
    wider = plan_range(date(2020, 1, 1), date(2023, 6, 30), WINDOW, None, margin=4)
    assert wider is not None and wider.since == date(2023, 2, 14)


def test_query_is_one_account_level_daily_ad_query() -> None:
    params = query_params(InsightsPlan(date(2026, 3, 1), date(2026, 3, 7), None), 500)
    assert (params["level"], params["time_increment"], params["limit"]) == ("ad", 1, 500)
    assert params["time_range"] == {"since": "2026-03-01", "until": "2026-03-07"}
    (status,) = params["filtering"]
    assert status["field"] == "ad.effective_status"
    assert {"DELETED", "ARCHIVED", "ACTIVE"} <= set(status["value"])


def test_split_chunk_filters_its_campaigns() -> None:
    params = query_params(InsightsPlan(TODAY, TODAY, ("1", "2")), 100)
    assert params["filtering"][1] == {"field": "campaign.id", "operator": "IN", "value": ["1", "2"]}


def test_async_from_estimated_rows() -> None:
    week = InsightsPlan(date(2026, 3, 1), date(2026, 3, 7), None)
    assert week.days == 7
    assert not use_async(week, ads=100, threshold=1000)
    assert use_async(week, ads=143, threshold=1000)


def test_unlisted_ids_are_the_stored_live_ones_no_longer_listed() -> None:
    listed = {"1": {"effective_status": "ACTIVE"}, "4": {"effective_status": "ACTIVE"}}
    assert unlisted({"1", "2", "3"}, listed) == {"2", "3"}  # deleted at Meta: read by id
    assert unlisted(set(), listed) == set()


def test_each_edge_listed_once_with_every_kept_status() -> None:
    full = edge_requests(500, full=True)
    assert [r.edge for r in full] == ["campaigns", "adsets", "ads", "adcreatives"]
    for req, level in zip(full[:3], ("campaign", "adset", "ad"), strict=True):
        (rule,) = req.params["filtering"]
        assert rule["field"] == f"{level}.effective_status" and "ARCHIVED" in rule["value"]
        assert rule["value"] == list(LISTED_STATUSES) and req.params["limit"] == 500
        assert "updated_time" in req.fields and req.follow
    assert "filtering" not in full[3].params and full[3].follow
    incremental = edge_requests(500, full=False)
    assert [r.follow for r in incremental] == [True, True, True, False]  # creatives: 1st page
