"""Day boundaries in awkward time zones, a JPY account, and two workers at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.support.e2e_harness import (
    Harness,
    account_today,
    assert_entities_equal,
    assert_insights_equal,
    outcomes_ok,
)

# 11:30 UTC: already tomorrow in Tongatapu (+13, 00:30), still early in Honolulu (-10, 01:30),
# 17:00 in Kolkata (+5:30), 20:30 in Tokyo.
AROUND_MIDNIGHT = datetime(2026, 3, 10, 11, 30, tzinfo=UTC)
PINNED = 5  # agency accounts 0-4: JPY/Tokyo, NZD/Tongatapu, USD/Honolulu, INR/Kolkata, NZD/Auckland


async def test_time_zones_and_jpy_exact(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("agency", clock=AROUND_MIDNIGHT)
    await h.connect(h.emu.account_ids[:PINNED])
    outcomes_ok(await h.drain())
    zones = dict(await h.fetch("select id, timezone_name from meta_sync.meta_ad_accounts"))
    assert {"Pacific/Tongatapu", "Pacific/Honolulu", "Asia/Kolkata", "Asia/Tokyo"} <= set(
        zones.values()
    )
    for account in h.accounts:
        await assert_insights_equal(h, account)
        await assert_entities_equal(h, account)
        newest = await h.fetch(
            "select max(date) from meta_sync.meta_insights_daily where account_id = %s", account
        )
        assert newest[0][0] <= account_today(h.emu, account)
    tonga = next(a for a, z in zones.items() if z == "Pacific/Tongatapu")
    assert account_today(h.emu, tonga) == datetime(2026, 3, 11).date()
    jpy = await h.fetch(
        "select count(*), count(*) filter (where spend <> trunc(spend)) from"
        " meta_sync.meta_insights_daily where currency = 'JPY'"
    )
    assert jpy[0][0] > 0 and jpy[0][1] == 0  # yen: no decimals


async def test_two_workers_never_run_a_chunk_twice(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("agency", worker_per_account_concurrency=6)
    await h.connect(h.emu.account_ids[:8])
    w1, w2 = h.worker("w1"), h.worker("w2")
    s1, s2 = await asyncio.gather(h.drain(w1), h.drain(w2))
    outcomes_ok(s1)
    outcomes_ok(s2)
    assert s1.completed > 0 and s2.completed > 0  # both did work
    twice = await h.fetch("select id from meta_sync.sync_job_chunks where claimed_count <> 1")
    assert twice == []
    chunks = await h.fetch("select count(*) from meta_sync.sync_job_chunks")
    assert s1.completed + s2.completed == chunks[0][0]
    for account in h.accounts:
        await assert_insights_equal(h, account)
