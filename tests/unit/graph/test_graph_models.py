"""Edge models: Meta's strings and datetimes parsed, garbage refused clearly."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from metasync.graph import UnexpectedResponseError
from metasync.graph.models import (
    Ad,
    AdAccount,
    Campaign,
    DebugTokenData,
    InsightRow,
    TokenExchange,
    parse,
    parse_many,
)


def test_meta_datetime_without_colon_in_offset() -> None:
    campaign = parse(Campaign, {"id": "1", "updated_time": "2023-03-21T22:41:46-0700"})
    assert campaign.updated_time == datetime(
        2023, 3, 21, 22, 41, 46, tzinfo=timezone(timedelta(hours=-7))
    )


def test_account_strings_become_numbers() -> None:
    account = parse(
        AdAccount,
        {
            "id": "act_1",
            "account_id": "1",
            "currency": "JPY",
            "timezone_offset_hours_utc": 9,
            "account_status": 1,
            "amount_spent": "123456",
            "created_time": "2020-01-02T03:04:05+0900",
        },
    )
    assert account.amount_spent == Decimal(123456)
    assert account.created_time is not None and account.created_time.utcoffset() == timedelta(
        hours=9
    )


def test_campaign_budgets_are_minor_unit_integers_and_blank_is_none() -> None:
    campaign = parse(Campaign, {"id": "1", "daily_budget": "5000", "lifetime_budget": ""})
    assert campaign.daily_budget == 5000 and campaign.lifetime_budget is None


def test_ad_creative_reference() -> None:
    ad = parse(Ad, {"id": "9", "campaign_id": "1", "adset_id": "2", "creative": {"id": "77"}})
    assert ad.creative is not None and ad.creative.id == "77"


def test_insight_row_metrics() -> None:
    row = parse(
        InsightRow,
        {
            "ad_id": "9",
            "date_start": "2026-02-01",
            "date_stop": "2026-02-01",
            "impressions": "1234",
            "clicks": "56",
            "spend": "14.35",
            "actions": [
                {"action_type": "purchase", "value": "3", "7d_click": "2"},
                {"action_type": "lead", "value": "1"},
            ],
            "action_values": [{"action_type": "purchase", "value": "99.90"}],
        },
    )
    assert (row.impressions, row.clicks, row.spend) == (1234, 56, Decimal("14.35"))
    assert row.date_start == date(2026, 2, 1)
    assert row.action("purchase") == 3 and row.action("missing") == 0
    assert row.action_value("purchase") == Decimal("99.90")
    assert row.actions[0].model_extra == {"7d_click": "2"}


@pytest.mark.parametrize(
    "garbage",
    [
        {"ad_id": "1", "date_start": "yesterday", "date_stop": "2026-01-01"},
        {"ad_id": "1", "date_start": "2026-01-01", "date_stop": "2026-01-01", "spend": "a lot"},
        {"ad_id": "1"},
        "not an object",
        None,
    ],
)
def test_garbage_is_a_clear_error(garbage: object) -> None:
    with pytest.raises(UnexpectedResponseError) as info:
        parse(InsightRow, garbage, what="insights row")
    assert "insights row" in info.value.message


def test_account_id_must_be_an_act_id() -> None:
    with pytest.raises(UnexpectedResponseError):
        parse(AdAccount, {"id": "1", "account_id": "1"})


def test_parse_many() -> None:
    rows = parse_many(Campaign, [{"id": "1"}, {"id": "2"}])
    assert [c.id for c in rows] == ["1", "2"]


def test_debug_token_never_expiring() -> None:
    data = parse(
        DebugTokenData, {"app_id": "1", "is_valid": True, "expires_at": 0, "scopes": ["ads_read"]}
    )
    assert data.expires is None
    later = parse(DebugTokenData, {"is_valid": True, "expires_at": 1_800_000_000})
    assert later.expires is not None and later.expires.year == 2027


def test_token_exchange_hides_the_token() -> None:
    answer = parse(
        TokenExchange, {"access_token": "EAAlong", "token_type": "bearer", "expires_in": 5183944}
    )
    assert answer.access_token.get_secret_value() == "EAAlong"
    assert "EAAlong" not in repr(answer) and "EAAlong" not in str(answer)
