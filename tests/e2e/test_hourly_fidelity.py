"""Hourly insights end to end: planned beside the daily chunks when the tier has hourly on,
settled and re-read like them, and equal to the emulator's ground truth in every awkward time
zone (UTC+5:45, +13, -10, +5:30, a JPY account) and on Auckland's 25-hour day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from meta_emulator.hourly import HOURLY
from tests.support.e2e_harness import (
    Harness,
    _stat,
    account_today,
    assert_insights_equal,
    outcomes_ok,
)

CLOCK = datetime(2026, 4, 7, 11, 30, tzinfo=UTC)  # Auckland went back an hour on 2026-04-05
COUNTED = {
    "OUTCOME_SALES": "purchase",
    "OUTCOME_LEADS": "lead",
    "OUTCOME_TRAFFIC": "landing_page_view",
    "OUTCOME_APP_PROMOTION": "mobile_app_install",
}


def truth_hourly(h: Harness, account: str, since: date, until: date) -> dict[Any, Any]:
    objective = {c["id"]: c["objective"] for c in h.emu.truth_entities(account)["campaigns"]}
    out = {}
    for r in h.emu.truth_insights_hourly(account, since, until):
        counted = COUNTED.get(objective[r["campaign_id"]])
        actions, values = r.get("actions") or [], r.get("action_values") or []
        key = (r["ad_id"], date.fromisoformat(r["date_start"]), int(r[HOURLY][:2]))
        link, conversions = _stat(actions, "link_click"), _stat(actions, counted)
        out[key] = (int(r["impressions"]), int(r["clicks"]), Decimal(r["spend"]), actions, values,
                    link, conversions, _stat(values, counted))  # fmt: skip
    return out


async def db_hourly(h: Harness, account: str, since: date, until: date) -> dict[Any, Any]:
    rows = await h.fetch(
        "select ad_id, date, hour, impressions, clicks, spend, actions, action_values,"
        " link_clicks, conversions, revenue from meta_sync.meta_insights_hourly"
        " where account_id = %s and date between %s and %s", account, since, until,
    )  # fmt: skip
    return {(r[0], r[1], r[2]): (r[3], r[4], Decimal(r[5]), r[6], r[7], Decimal(r[8]),
                                 Decimal(r[9]), Decimal(r[10])) for r in rows}  # fmt: skip


async def test_hourly_equals_the_ground_truth(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("zones", clock=CLOCK)
    async with h.pool.connection() as conn:
        await conn.execute(
            "update meta_sync.meta_sync_config set hourly_enabled = true where tier = 'medium'"
        )
    await h.connect()
    first_today = {a: account_today(h.emu, a) for a in h.accounts}
    outcomes_ok(await h.drain())
    h.emu.advance(timedelta(hours=25))  # incremental and settle re-read hourly too
    outcomes_ok(await h.drain())
    hourly_chunks = await h.fetch(
        "select count(*), count(*) filter (where j.sync_phase = 'settle') from"
        " meta_sync.sync_job_chunks c join meta_sync.sync_jobs j on j.id = c.job_id"
        " where c.dataset = 'hourly' and c.status = 'completed'"
    )
    assert hourly_chunks[0][0] > 0 and hourly_chunks[0][1] > 0
    hours = 0
    for account in h.accounts:
        await assert_insights_equal(h, account)
        since, until = first_today[account] - timedelta(days=89), account_today(h.emu, account)
        want, got = (
            truth_hourly(h, account, since, until),
            await db_hourly(h, account, since, until),
        )
        assert set(got) == set(want), account
        wrong = [k for k in want if want[k] != got[k]]
        diff = [
            (i, want[k][i], got[k][i])
            for k in wrong[:1]
            for i in range(8)
            if want[k][i] != got[k][i]
        ]
        assert not wrong, (account, len(wrong), wrong[:2], diff)
        hours += len(got)
        # The hours of each stored day add up to its daily row.
        mismatched = await h.fetch(
            "select d.ad_id, d.date from meta_sync.meta_insights_daily d"
            " join (select ad_id, date, sum(impressions) i, sum(spend) s"
            "       from meta_sync.meta_insights_hourly group by 1, 2) x using (ad_id, date)"
            " where d.account_id = %s and (x.i <> d.impressions or x.s <> d.spend)", account,
        )  # fmt: skip
        assert mismatched == []
    assert hours > 0
    auckland = next(a for a in h.accounts if h.emu.runtime.account(a).account.timezone
                    == "Pacific/Auckland")  # fmt: skip
    repeated = await h.fetch(
        "select count(*) from meta_sync.meta_insights_hourly where account_id = %s"
        " and date = '2026-04-05'", auckland,
    )  # fmt: skip
    assert repeated[0][0] > 0
