"""Currencies: organisation rollups convert each day at its rate, missing rates are shown,
zero-decimal currencies and Meta's budget offsets come out right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.integration.data.kpi_world import AGENCY

D1, D2 = date(2026, 3, 1), date(2026, 3, 2)
USD, JPY = Decimal("1.10"), Decimal("160")


def close(a: Decimal | None, b: Decimal) -> bool:
    return a is not None and abs(a - b) < Decimal("1e-12")


def _rates(conn: psycopg.Connection, *rows: tuple[str, str, str]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "insert into meta_sync.fx_rates (currency, date, rate) values (%s, %s, %s)", rows
        )


def _org_daily(conn: psycopg.Connection) -> dict[date, dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("select * from meta_sync.kpi_daily where level = 'organization'")
        return {r["date"]: r for r in cur.fetchall()}


def _org_summary(conn: psycopg.Connection) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("select * from meta_sync.kpi_summary('organization', %s, %s, %s)",
                    (D1, D2, AGENCY))  # fmt: skip
        (row,) = cur.fetchall()
        return row


def test_each_day_converted_at_its_rate_or_the_latest_earlier(world: psycopg.Connection) -> None:
    _rates(world, ("USD", "2026-03-01", str(USD)), ("JPY", "2026-03-01", str(JPY)),
           ("USD", "2026-03-02", "1.20"))  # fmt: skip
    days = _org_daily(world)
    # 03-01: 19.75 USD at 1.10 + 1500 JPY at 160; 03-02: 15 USD at 1.20, JPY falls back to 03-01.
    assert close(days[D1]["spend"], Decimal("19.75") / USD + Decimal(1500) / JPY)
    assert close(days[D2]["spend"], Decimal("15.00") / Decimal("1.20"))
    assert close(days[D1]["revenue"], Decimal(90) / USD + Decimal(8000) / JPY)
    assert days[D1]["currency"] == "EUR" and days[D1]["fx_missing_currencies"] == []
    assert days[D1]["impressions"] == 3500  # counts add up whatever the currency
    summary = _org_summary(world)
    assert close(summary["spend"], days[D1]["spend"] + days[D2]["spend"])
    assert summary["fx_missing_days"] == [] and summary["currency"] == "EUR"


def test_days_without_a_rate_within_7_days_are_shown_not_added(world: psycopg.Connection) -> None:
    # JPY only on 2026-02-22: reaches 03-01 (7 days) but not 03-02.
    _rates(world, ("USD", "2026-03-01", str(USD)), ("JPY", "2026-02-22", str(JPY)))
    days = _org_daily(world)
    assert days[D1]["spend"] is not None and days[D1]["fx_missing_currencies"] == []
    assert days[D2]["spend"] is None and days[D2]["revenue"] is None
    assert days[D2]["fx_missing_currencies"] == ["JPY"]
    assert days[D2]["impressions"] == 1200
    summary = _org_summary(world)
    assert summary["spend"] is None and summary["roas"] is None
    assert summary["fx_missing_days"] == [D2]


def test_same_currency_needs_no_rate(world: psycopg.Connection) -> None:
    world.execute("update meta_sync.organizations set reporting_currency = 'USD' where id = %s",
                  (AGENCY,))  # fmt: skip
    world.execute("delete from meta_sync.meta_insights_daily where account_id = 'act_802'")
    days = _org_daily(world)
    assert days[D1]["spend"] == Decimal("19.75") and days[D1]["currency"] == "USD"


def test_euro_is_always_one(world: psycopg.Connection) -> None:
    _rates(world, ("USD", "2026-03-01", "1.25"))
    rate = world.execute("select meta_sync.fx_convert_rate('EUR', 'USD', '2026-03-03')").fetchone()
    back = world.execute("select meta_sync.fx_convert_rate('USD', 'EUR', '2026-03-01')").fetchone()
    cross = world.execute("select meta_sync.fx_convert_rate('USD', 'JPY', '2026-03-01')").fetchone()
    assert rate == (Decimal("1.25"),) and cross == (None,)
    assert back is not None and close(back[0], Decimal("0.8"))
    with pytest.raises(psycopg.errors.CheckViolation):
        _rates(world, ("EUR", "2026-03-01", "1.1"))


def test_zero_decimal_currencies_and_budget_offsets(world: psycopg.Connection) -> None:
    offsets = world.execute(
        "select array_agg(meta_sync.currency_offset(c) order by c) from"
        " unnest(array['CLP','EUR','JPY','KRW','USD','VND']) c"
    ).fetchone()
    assert offsets == ([1, 100, 1, 1, 100, 1],)
    with world.cursor(row_factory=dict_row) as cur:
        cur.execute("select * from meta_sync.budgets")
        budgets = {(r["level"], r["entity_id"]): r for r in cur.fetchall()}
    assert budgets[("campaign", "1001")]["daily_budget"] == Decimal("50.00")  # USD cents
    assert budgets[("campaign", "1101")]["daily_budget"] == Decimal(5000)  # yen as sent
    assert budgets[("campaign", "1002")]["lifetime_budget"] == Decimal(1200)
    assert budgets[("adset", "2001")]["daily_budget"] == Decimal("25.50")
    assert budgets[("adset", "2101")]["currency"] == "JPY"
    assert budgets[("campaign", "1002")]["daily_budget"] is None
