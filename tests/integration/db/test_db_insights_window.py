"""The history window the insights planner clamps to comes from the database: today in the
account's time zone and ``sync_planner_settings.history_limit_months`` before it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import psycopg

from metasync.db.insights import InsightsWindow, insights_window


async def test_window_is_37_months_back_from_the_account_today(
    aconn: psycopg.AsyncConnection,
) -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert await insights_window(aconn, "UTC", now) == InsightsWindow(
        date(2026, 3, 10), date(2023, 2, 10)
    )
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already the 11th in Berlin
    window = await insights_window(aconn, "Europe/Berlin", late)
    assert window == InsightsWindow(date(2026, 3, 11), date(2023, 2, 11))


async def test_month_ends_are_clamped(aconn: psycopg.AsyncConnection) -> None:
    await aconn.execute("update meta_sync.sync_planner_settings set history_limit_months = 1")
    march_31 = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert (await insights_window(aconn, "UTC", march_31)).earliest == date(2026, 2, 28)
    leap = datetime(2024, 3, 31, 12, tzinfo=UTC)
    assert (await insights_window(aconn, "UTC", leap)).earliest == date(2024, 2, 29)


async def test_the_limit_is_the_planner_setting(aconn: psycopg.AsyncConnection) -> None:
    await aconn.execute("update meta_sync.sync_planner_settings set history_limit_months = 13")
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert (await insights_window(aconn, "UTC", now)).earliest == date(2025, 2, 10)


async def test_without_now_the_database_clock_decides(aconn: psycopg.AsyncConnection) -> None:
    cur = await aconn.execute("select (now() at time zone 'UTC')::date")
    row = await cur.fetchone()
    assert row is not None
    assert (await insights_window(aconn, "UTC")).today == row[0]
