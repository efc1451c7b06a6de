"""Stored insights and the history window Meta serves, from Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from metasync.db._run import Conn, rows, tuples


@dataclass(frozen=True)
class InsightsWindow:
    """An account's "today" (its time zone) and the first day Meta still serves:
    ``sync_planner_settings.history_limit_months`` before today."""

    today: date
    earliest: date


async def insights_window(
    conn: Conn, timezone_name: str, now: datetime | None = None
) -> InsightsWindow:
    """Today in ``timezone_name`` at ``now`` (None: the database's now) and the history limit."""
    found = await tuples(
        conn,
        "select t.today, (t.today - make_interval(months => s.history_limit_months))::date"
        " from meta_sync.sync_planner_settings s,"
        " lateral (select meta_sync.account_today(%(tz)s, coalesce(%(now)s, now())) as today) t",
        {"tz": timezone_name, "now": now},
    )
    today, earliest = found[0]
    return InsightsWindow(today, earliest)


async def daily_metrics(
    conn: Conn, account_id: str, since: date, until: date
) -> list[dict[str, Any]]:
    """Ad-day rows (default attribution, no breakdown) of the account between the days."""
    return await rows(
        conn,
        "select ad_id, date::text as date_start, impressions, clicks, spend, reach,"
        " actions, action_values from meta_sync.meta_insights_daily"
        " where account_id = %s and date between %s and %s"
        " and attribution_setting = 'default' and breakdown_key = ''",
        (account_id, since, until),
    )
