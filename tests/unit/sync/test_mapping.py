"""Mapping Meta JSON to rows: typed columns, money, conversions by objective."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from metasync.graph.errors import UnexpectedResponseError
from metasync.sync.mapping import (
    map_ad,
    map_adset,
    map_campaign,
    map_creative,
    map_insight,
    map_insights,
    meta_datetime,
)

ACT = "act_101"


def insight(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "account_id": "101",
        "campaign_id": "11",
        "adset_id": "21",
        "ad_id": "31",
        "date_start": "2026-03-01",
        "date_stop": "2026-03-01",
        "impressions": "1000",
        "clicks": "40",
        "reach": "700",
        "spend": "12.34",
        "inline_link_clicks": "30",
        "actions": [
            {"action_type": "link_click", "value": "32", "7d_click": "32"},
            {"action_type": "landing_page_view", "value": "20"},
            {"action_type": "purchase", "value": "3"},
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "3"},
            {"action_type": "lead", "value": "5"},
            {"action_type": "mobile_app_install", "value": "7"},
        ],
        "action_values": [
            {"action_type": "purchase", "value": "150.50"},
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "150.50"},
        ],
    }
    return row | over


def test_meta_datetime_without_colon_in_offset() -> None:
    parsed = meta_datetime("2023-03-21T22:41:46-0700")
    assert parsed == datetime(2023, 3, 21, 22, 41, 46, tzinfo=timezone(timedelta(hours=-7)))
    assert parsed is not None and parsed.astimezone(UTC).hour == 5
    assert meta_datetime("") is None
    with pytest.raises(UnexpectedResponseError):
        meta_datetime("yesterday")


def test_campaign_typed_columns_and_raw_kept() -> None:
    raw = {
        "id": "11", "name": "C", "status": "ACTIVE", "effective_status": "ARCHIVED",
        "objective": "OUTCOME_SALES", "daily_budget": "2500", "lifetime_budget": "",
        "created_time": "2026-01-01T10:00:00+0000", "updated_time": "2026-02-01T10:00:00-0800",
        "start_time": "2026-01-02T00:00:00+0000",
    }  # fmt: skip
    row = map_campaign(raw, ACT)
    assert row.account_id == ACT
    assert row.daily_budget == 2500 and row.lifetime_budget is None
    assert row.updated_time == datetime(2026, 2, 1, 18, tzinfo=UTC)
    assert row.start_time == datetime(2026, 1, 2, tzinfo=UTC)
    assert row.effective_status == "ARCHIVED"
    assert row.raw is raw


def test_adset_ad_creative() -> None:
    s = map_adset({"id": "21", "campaign_id": "11", "targeting": {"geo": 1}}, ACT)
    assert (s.campaign_id, s.targeting) == ("11", {"geo": 1})
    a = map_ad({"id": "31", "campaign_id": "11", "adset_id": "21", "creative": {"id": "41"}}, ACT)
    assert (a.campaign_id, a.adset_id, a.creative_id) == ("11", "21", "41")
    c = map_creative({"id": "41", "title": "T", "call_to_action_type": "SHOP_NOW"}, ACT)
    assert (c.title, c.call_to_action_type) == ("T", "SHOP_NOW")


def test_insight_metrics_and_money() -> None:
    row = map_insight(insight(), ACT, "USD", {"11": "OUTCOME_AWARENESS"})
    assert (row.ad_id, row.date, row.campaign_id, row.adset_id) == (
        "31",
        date(2026, 3, 1),
        "11",
        "21",
    )
    assert (row.impressions, row.clicks, row.reach) == (1000, 40, 700)
    assert row.spend == Decimal("12.34") and row.currency == "USD"
    assert row.link_clicks == 32  # from actions, not inline_link_clicks
    assert row.conversions == 0 and row.revenue == 0  # awareness has no conversion
    assert row.actions[0] == {"action_type": "link_click", "value": "32", "7d_click": "32"}


def test_jpy_spend_has_no_decimals() -> None:
    row = map_insight(insight(spend="1234", account_currency="JPY"), ACT, None, {})
    assert row.spend == Decimal(1234) and row.currency == "JPY"


@pytest.mark.parametrize(
    ("objective", "conversions", "revenue"),
    [
        ("OUTCOME_SALES", "3", "150.50"),  # purchase once, not purchase + pixel purchase
        ("OUTCOME_LEADS", "5", "0"),
        ("OUTCOME_TRAFFIC", "20", "0"),
        ("OUTCOME_APP_PROMOTION", "7", "0"),
        ("OUTCOME_ENGAGEMENT", "0", "0"),
        (None, "0", "0"),
    ],
)
def test_conversions_by_objective(objective: str | None, conversions: str, revenue: str) -> None:
    row = map_insight(insight(), ACT, "USD", {"11": objective})
    assert row.conversions == Decimal(conversions)
    assert row.revenue == Decimal(revenue)


def test_traffic_without_landing_page_views_has_no_conversions() -> None:
    actions = [{"action_type": "link_click", "value": "9"}]
    row = map_insight(insight(actions=actions), ACT, "USD", {"11": "OUTCOME_TRAFFIC"})
    assert row.conversions == 0 and row.link_clicks == 9


def test_row_objective_wins_over_the_stored_one() -> None:
    row = map_insight(insight(objective="OUTCOME_LEADS"), ACT, "USD", {"11": "OUTCOME_SALES"})
    assert row.conversions == 5


def test_omni_purchase_wins_over_purchase() -> None:
    actions = [
        {"action_type": "omni_purchase", "value": "4"},
        {"action_type": "purchase", "value": "3"},
    ]
    row = map_insight(insight(actions=actions), ACT, "USD", {"11": "OUTCOME_SALES"})
    assert row.conversions == 4


def test_link_clicks_fall_back_to_inline_and_missing_reach() -> None:
    raw = insight(actions=[], reach=None)
    del raw["reach"]
    row = map_insight(raw, ACT, "USD", {})
    assert row.link_clicks == 30 and row.reach is None


def test_insight_without_ad_id_is_refused() -> None:
    with pytest.raises(UnexpectedResponseError):
        map_insight(insight(ad_id=None), ACT, "USD", {})


def test_duplicates_collapse_last_wins() -> None:
    rows = map_insights([insight(), insight(impressions="5")], ACT, "USD", {})
    assert len(rows) == 1 and rows[0].impressions == 5
