"""kpi_daily and kpi_summary: values equal the facts they derive from, every entity appears."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg.rows import dict_row

from metasync.db.errors import InvalidArgumentError, MalformedIdError, NotFoundError
from metasync.db.kpi import kpi_summary
from tests.integration.data.kpi_world import AGENCY, EMPTY, FACTS, dec

D1, D2 = date(2026, 3, 1), date(2026, 3, 2)
SUMMED = {"impressions": 6, "clicks": 7, "spend": 8, "link_clicks": 10, "conversions": 11,
          "revenue": 12}  # fmt: skip
LEVEL_KEY = {"ad": 0, "adset": 4, "campaign": 3, "account": 2}


def _rows(conn: psycopg.Connection, sql: str, *args: Any) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql, args)  # type: ignore[arg-type]
        return cur.fetchall()


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return None if den == 0 else num / den


def _expected_daily(level: str) -> dict[tuple[str, date], dict[str, Any]]:
    """The facts summed by entity and day in Python, ratios from the sums."""
    sums: dict[tuple[str, date], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for f in FACTS:
        key = (f[LEVEL_KEY[level]], date.fromisoformat(f[1]))
        s = sums[key]
        for name, i in SUMMED.items():
            s[name] += Decimal(str(f[i]))
    out = {}
    for key, s in sums.items():
        out[key] = {
            **s,
            "ctr": _ratio(s["clicks"] * 100, s["impressions"]),
            "cpc": _ratio(s["spend"], s["clicks"]),
            "cpm": _ratio(s["spend"] * 1000, s["impressions"]),
            "cost_per_conversion": _ratio(s["spend"], s["conversions"]),
            "roas": _ratio(s["revenue"], s["spend"]),
        }
    return out


def _close(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < Decimal("1e-12")


@pytest.mark.parametrize("level", ["ad", "adset", "campaign", "account"])
def test_kpi_daily_equals_the_facts(world: psycopg.Connection, level: str) -> None:
    want = _expected_daily(level)
    got = {(r["entity_id"], r["date"]): r for r in _rows(
        world, "select * from meta_sync.kpi_daily where level = %s", level)}  # fmt: skip
    assert set(got) == set(want)  # breakdown and other attribution rows are not counted
    for key, expected in want.items():
        row = got[key]
        for name, value in expected.items():
            assert _close(dec(row[name]), value), (level, key, name, row[name], value)
        assert row["currency"] == ("JPY" if row["account_id"] == "act_802" else "USD")


def test_reach_only_at_ad_level(world: psycopg.Connection) -> None:
    rows = _rows(world, "select level, entity_id, date, reach from meta_sync.kpi_daily")
    ad = {(r["entity_id"], r["date"]): r["reach"] for r in rows if r["level"] == "ad"}
    assert ad[("3001", D1)] == 800 and ad[("3101", D2)] is None
    assert all(r["reach"] is None for r in rows if r["level"] != "ad")
    one_day = kpi_rows(world, "ad", D1, D1, account="act_801")
    assert one_day["3001"]["reach"] == 800
    assert all(r["reach"] is None for r in kpi_rows(world, "ad", D1, D2).values())


def kpi_rows(
    conn: psycopg.Connection, level: str, since: date, until: date,
    org: str | None = None, account: str | None = None,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    rows = _rows(conn, "select * from meta_sync.kpi_summary(%s, %s, %s, %s, %s)",
                 level, since, until, org, account)  # fmt: skip
    return {r["entity_id"]: r for r in rows}


def test_summary_lists_every_campaign_with_zeros(world: psycopg.Connection) -> None:
    got = kpi_rows(world, "campaign", D1, D2, account="act_801")
    assert set(got) == {"1001", "1002"}
    idle = got["1002"]
    assert (idle["spend"], idle["impressions"], idle["clicks"], idle["conversions"],
            idle["days_with_data"]) == (0, 0, 0, 0, 0)  # fmt: skip
    assert idle["ctr"] is None and idle["cpc"] is None and idle["roas"] is None
    assert idle["entity_name"] == "Not yet" and idle["currency"] == "USD"
    sales = got["1001"]
    assert (sales["spend"], sales["impressions"], sales["clicks"], sales["link_clicks"]) == (
        Decimal("34.75"),
        2700,
        60,
        46,
    )
    assert _close(sales["ctr"], Decimal(6000) / 2700)
    assert _close(sales["cost_per_conversion"], Decimal("6.95"))
    assert _close(sales["roas"], Decimal(240) / Decimal("34.75"))
    assert sales["days_with_data"] == 2


def test_summary_totals_match_kpi_daily(world: psycopg.Connection) -> None:
    for level in ("ad", "adset", "campaign", "account"):
        summary = kpi_rows(world, level, D1, D2, org=AGENCY)
        daily = _rows(world, "select entity_id, sum(spend) s, sum(impressions) i from"
                      " meta_sync.kpi_daily where level = %s group by 1", level)  # fmt: skip
        for r in daily:
            assert summary[r["entity_id"]]["spend"] == r["s"]
            assert summary[r["entity_id"]]["impressions"] == r["i"]
    ads = kpi_rows(world, "ad", D1, D2, org=AGENCY)
    assert set(ads) == {"3001", "3002", "3003", "3101"}  # the deleted ad and the idle one too
    assert ads["3002"]["effective_status"] == "DELETED"
    accounts = kpi_rows(world, "account", D1, D2, org=AGENCY)
    assert (
        accounts["act_802"]["spend"] == Decimal(1500) and accounts["act_802"]["currency"] == "JPY"
    )


def test_organization_level_lists_empty_organizations(world: psycopg.Connection) -> None:
    orgs = kpi_rows(world, "organization", D1, D2)
    assert set(orgs) == {AGENCY, EMPTY}
    assert orgs[EMPTY]["spend"] == 0 and orgs[EMPTY]["fx_missing_days"] == []
    assert orgs[EMPTY]["currency"] == "USD"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("week", D1, D2, None, None), InvalidArgumentError),
        (("ad", D2, D1, None, None), InvalidArgumentError),
        (("ad", None, D1, None, None), InvalidArgumentError),
        (("ad", D1, D2, None, "801"), MalformedIdError),
        (("ad", D1, D2, None, "act_999"), NotFoundError),
        (("ad", D1, D2, UUID(EMPTY), "act_801"), NotFoundError),
        (("ad", D1, D2, UUID(int=7), None), NotFoundError),
    ],
)
async def test_summary_refuses_bad_arguments(
    aconn: psycopg.AsyncConnection[Any], world: psycopg.Connection, args: tuple[Any, ...],
    error: type[Exception],
) -> None:  # fmt: skip
    with pytest.raises(error):
        await kpi_summary(aconn, *args)


async def test_kpi_summary_from_python(
    aconn: psycopg.AsyncConnection[Any], world: psycopg.Connection
) -> None:
    rows = await kpi_summary(aconn, "campaign", D1, D2, account_id="act_802")
    assert [(r.entity_id, r.spend, r.currency) for r in rows] == [("1101", Decimal(1500), "JPY")]
    assert rows[0].spend == rows[0].spend.to_integral_value()  # yen stay whole
