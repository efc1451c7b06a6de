"""kpi_rollup_daily stays equal to the sums of the facts whatever writes them: inserts, the
writers' upsert, updates that move rows between campaigns, deletes, truncate, two writers of
one account-day at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg

from metasync.db.writers import upsert_rows
from metasync.sync.mapping import InsightDailyRow
from tests.integration.data.kpi_world import insert_facts

FRESH = """
select i.account_id::text, g.level, i.date, g.entity_id, sum(i.spend), sum(i.impressions),
       sum(i.clicks), sum(i.link_clicks), sum(i.conversions), sum(i.revenue), count(*)
from meta_sync.meta_insights_daily i
cross join lateral (values ('adset', i.adset_id::text), ('campaign', i.campaign_id::text),
                           ('account', i.account_id::text)) g(level, entity_id)
where i.attribution_setting = 'default' and i.breakdown_key = '' and g.entity_id is not null
group by 1, 2, 3, 4 order by 1, 2, 3, 4
"""
STORED = """
select account_id::text, level, date, entity_id, spend, impressions, clicks, link_clicks,
       conversions, revenue, ad_rows
from meta_sync.kpi_rollup_daily order by 1, 2, 3, 4
"""


def assert_in_step(conn: psycopg.Connection) -> list[tuple[Any, ...]]:
    fresh, stored = conn.execute(FRESH).fetchall(), conn.execute(STORED).fetchall()
    assert stored == fresh
    return stored


def test_updates_moves_and_deletes(world: psycopg.Connection) -> None:
    assert len(assert_in_step(world)) == 2 * 3 + 2 * 3  # two accounts x two days x 3 levels
    world.execute("update meta_sync.meta_insights_daily set spend = spend + 1 where ad_id = '3001'")
    assert_in_step(world)
    # A row moving to another campaign leaves the old campaign's day.
    world.execute(
        "update meta_sync.meta_insights_daily set campaign_id = '1002', adset_id = '2002'"
        " where ad_id = '3002'"
    )
    rows = assert_in_step(world)
    assert ("act_801", "campaign", date(2026, 3, 1), "1002") in {r[:4] for r in rows}
    world.execute("delete from meta_sync.meta_insights_daily where account_id = 'act_802'")
    assert all(r[0] == "act_801" for r in assert_in_step(world))
    # Breakdown rows never reach the rollup.
    world.execute("update meta_sync.meta_insights_daily set spend = 999 where breakdown_key <> ''")
    assert_in_step(world)
    world.execute("truncate meta_sync.meta_insights_daily")
    assert assert_in_step(world) == []


async def test_the_writers_upsert_keeps_it(
    aconn: psycopg.AsyncConnection[Any], world: psycopg.Connection
) -> None:
    row = InsightDailyRow(
        "3001", date(2026, 3, 1), "act_801", "1001", "2001", "USD", 5, 1, Decimal("0.50"), 4, 1,
        Decimal(0), Decimal(0), [], [],
    )  # fmt: skip
    new = InsightDailyRow(
        "3003", date(2026, 3, 3), "act_801", "1002", "2002", "USD", 7, 0, Decimal("0.70"), 7, 0,
        Decimal(0), Decimal(0), [], [],
    )  # fmt: skip
    async with aconn.transaction():
        assert await upsert_rows(aconn, [row, new], datetime(2026, 3, 4, tzinfo=UTC)) == 2
    stored = {r[:4]: r for r in assert_in_step(world)}
    assert stored[("act_801", "campaign", date(2026, 3, 3), "1002")][4] == Decimal("0.70")


def test_two_writers_of_one_account_day(world: psycopg.Connection, database_url: str) -> None:
    """Split chunks of one day write different ads of the same account-day at once."""
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(ad: str, campaign: str) -> None:
        try:
            with psycopg.connect(database_url) as conn:
                start.wait()
                rows = [(ad, f"2026-03-0{d}", "act_801", campaign, "2001", "USD", 10, 1, "1.00",
                         9, 1, "0", "0") for d in (5, 6, 7)]  # fmt: skip
                insert_facts(conn, rows)
                conn.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=a) for a in (("3001", "1001"), ("3002", "1001"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = {r[:4]: r for r in assert_in_step(world)}
    assert stored[("act_801", "campaign", date(2026, 3, 6), "1001")][10] == 2
