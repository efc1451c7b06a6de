"""Writers on real Postgres: COPY + one upsert, only changed rows, idempotent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from metasync.db.errors import InvalidArgumentError
from metasync.db.writers import measure_upsert_vs_copy, upsert_rows
from metasync.sync.mapping import InsightDailyRow, map_ad, map_campaign

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
ACT = "act_555"


@pytest.fixture
async def db(aconn: psycopg.AsyncConnection[Any]) -> psycopg.AsyncConnection[Any]:
    org = await (
        await aconn.execute("insert into meta_sync.organizations (name) values ('o') returning id")
    ).fetchone()
    assert org is not None
    await aconn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, currency)"
        " values (%s, %s, 'USD')",
        (ACT, org[0]),
    )
    return aconn


def ad_day(ad: int, day: int, impressions: int = 100) -> InsightDailyRow:
    return InsightDailyRow(
        ad_id=str(ad), date=date(2026, 3, 1) + timedelta(days=day), account_id=ACT,
        campaign_id="1", adset_id="2", currency="USD", impressions=impressions, clicks=3,
        spend=Decimal("1.25"), reach=80, link_clicks=2, conversions=Decimal(1),
        revenue=Decimal("9.99"), actions=[{"action_type": "purchase", "value": "1"}],
        action_values=[],
    )  # fmt: skip


async def count(conn: psycopg.AsyncConnection[Any], table: str) -> int:
    row = await (await conn.execute(f"select count(*) from meta_sync.{table}")).fetchone()
    assert row is not None
    return int(row[0])


async def upsert(conn: psycopg.AsyncConnection[Any], rows: list[Any]) -> int:
    async with conn.transaction():
        return await upsert_rows(conn, rows, NOW)


async def test_upsert_writes_then_only_changes(db: psycopg.AsyncConnection[Any]) -> None:
    rows = [ad_day(ad, day) for ad in range(10, 13) for day in range(4)]
    assert await upsert(db, rows) == 12
    assert await upsert(db, rows) == 0  # idempotent: nothing changed
    changed = [replace(rows[0], impressions=101), *rows[1:]]
    assert await upsert(db, changed) == 1
    got = await (
        await db.execute(
            "select impressions, spend, actions from meta_sync.meta_insights_daily"
            " where ad_id = '10' and date = '2026-03-01'"
        )
    ).fetchone()
    assert got == (101, Decimal("1.25"), [{"action_type": "purchase", "value": "1"}])
    assert await count(db, "meta_insights_daily") == 12


async def test_two_upserts_in_one_transaction(db: psycopg.AsyncConnection[Any]) -> None:
    async with db.transaction():
        assert await upsert_rows(db, [ad_day(1, 0)], NOW) == 1
        assert await upsert_rows(db, [ad_day(2, 0)], NOW) == 1
    assert await count(db, "meta_insights_daily") == 2


async def test_entities_upsert(db: psycopg.AsyncConnection[Any]) -> None:
    raw = {"id": "7", "name": "C", "effective_status": "ARCHIVED", "objective": "OUTCOME_SALES",
           "updated_time": "2026-02-01T10:00:00-0800"}  # fmt: skip
    assert await upsert(db, [map_campaign(raw, ACT)]) == 1
    assert await upsert(db, [map_campaign(raw, ACT)]) == 0
    ad = {"id": "9", "campaign_id": "7", "adset_id": "8", "creative": {"id": "6"}}
    assert await upsert(db, [map_ad(ad, ACT)]) == 1
    got = await (
        await db.execute("select is_archived, raw->>'name' from meta_sync.meta_campaigns")
    ).fetchone()
    assert got == (True, "C")


async def test_bad_id_is_a_clear_error(db: psycopg.AsyncConnection[Any]) -> None:
    with pytest.raises(InvalidArgumentError):
        await upsert(db, [replace(ad_day(1, 0), ad_id="not-digits")])


async def test_measure_upsert_vs_copy(db: psycopg.AsyncConnection[Any]) -> None:
    rows = [ad_day(ad, day) for ad in range(200) for day in range(20)]
    measure = await measure_upsert_vs_copy(db, rows, NOW)
    assert measure.rows == 4000
    assert measure.copy_seconds > 0 and measure.upsert_seconds > 0
    assert measure.ratio > 0
    print(f"upsert/copy ratio {measure.ratio:.2f} ({measure.upsert_rows_per_second:.0f} rows/s)")
    assert await count(db, "meta_insights_daily") == 0  # both runs rolled back
