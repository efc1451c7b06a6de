"""Hourly rows (hourly_stats_aggregated_by_advertiser_time_zone) add up exactly to the daily
rows, on ordinary days and on the days the clocks change (23 and 25 hours)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

import httpx
import pytest

from meta_emulator import Emulator
from meta_emulator.hourly import HOURLY, hour_seconds
from tests.support.emuhelpers import BASE, Graph

AUCKLAND = 4  # agency account 4: NZD, Pacific/Auckland
BACK, FORWARD = date(2026, 4, 5), date(2026, 9, 27)  # Auckland: 25 hours, 23 hours


def _sums(rows: list[dict[str, object]]) -> dict[tuple[object, object], Counter[str]]:
    out: dict[tuple[object, object], Counter[str]] = {}
    for r in rows:
        c = out.setdefault((r["ad_id"], r["date_start"]), Counter())
        c["impressions"] += int(str(r["impressions"]))
        c["clicks"] += int(str(r["clicks"]))
        c["spend"] += int(str(r["spend"]).replace(".", ""))
        for kind in ("actions", "action_values"):
            for a in r.get(kind, []) or []:  # type: ignore[attr-defined]
                for key, value in a.items():
                    if key != "action_type":
                        c[f"{kind}:{a['action_type']}:{key}"] += int(value.replace(".", ""))
    return out


def test_clock_changes_have_23_and_25_hours() -> None:
    assert sum(hour_seconds(BACK.toordinal(), "Pacific/Auckland")) == 25 * 3600
    assert sum(hour_seconds(FORWARD.toordinal(), "Pacific/Auckland")) == 23 * 3600
    assert hour_seconds(FORWARD.toordinal(), "Pacific/Auckland")[2] == 0
    assert sum(hour_seconds(BACK.toordinal(), "Asia/Kathmandu")) == 24 * 3600


@pytest.mark.parametrize(
    "clock", [datetime(2026, 4, 20, tzinfo=UTC), datetime(2026, 10, 10, tzinfo=UTC)]
)
def test_hours_add_up_to_days_across_clock_changes(clock: datetime) -> None:
    emu = Emulator(world="agency", seed=1, clock=clock)
    account = emu.account_ids[AUCKLAND]
    since, until = (date(2026, 4, 1), date(2026, 4, 10)) if clock.month == 4 else (
        date(2026, 9, 23), date(2026, 10, 1))  # fmt: skip
    daily = emu.truth_insights(account, since, until)
    hourly = emu.truth_insights_hourly(account, since, until)
    assert daily and _sums(hourly) == _sums(daily)
    assert all("reach" not in r for r in hourly)
    change = (BACK if clock.month == 4 else FORWARD).isoformat()
    labels = {r[HOURLY] for r in hourly if r["date_start"] == change}
    assert labels, "the clock-change day delivered"
    if change == FORWARD.isoformat():
        assert "02:00:00 - 02:59:59" not in labels  # that hour never happened


async def test_served_over_the_api_and_refused_with_other_breakdowns() -> None:
    emu = Emulator(world="agency", seed=1, clock=datetime(2026, 4, 20, tzinfo=UTC))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=emu.app), base_url=BASE) as c:
        graph = Graph(emu, c)
        account = emu.account_ids[AUCKLAND]
        rng = json.dumps({"since": "2026-04-05", "until": "2026-04-05"})
        fields = "ad_id,impressions,clicks,spend,actions,action_values"
        pages = await graph.pages(
            f"{account}/insights", level="ad", time_increment="1", time_range=rng,
            fields=fields, breakdowns=HOURLY, limit=500,
        )  # fmt: skip
        served = [r for p in pages for r in p["data"]]
        assert served and all(HOURLY in r for r in served)
        assert _sums(served) == _sums(emu.truth_insights(account, "2026-04-05", "2026-04-05"))
        refused = await graph.get(f"{account}/insights", breakdowns=f"{HOURLY},age", fields=fields)
        assert refused.status_code == 400 and "combination" in refused.text  # Meta's (#100)
