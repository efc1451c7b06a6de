"""The daemon: wakes on NOTIFY meta_sync_wake, stops cleanly and hands unfinished work back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.support.e2e_harness import Harness, assert_insights_equal, fast_config


async def wait_for(h: Harness, sql: str, predicate: Callable[[Any], bool], seconds: float) -> Any:
    for _ in range(int(seconds / 0.05)):
        value = (await h.fetch(sql))[0][0]
        if predicate(value):
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting on {sql}")


OPEN = "select count(*) from meta_sync.sync_job_chunks where status in ('pending', 'in_progress')"
DONE = "select count(*) from meta_sync.sync_job_chunks where status = 'completed'"


async def test_daemon_wakes_on_notify(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("agency", poll_interval_seconds=30)
    await h.connect(h.emu.account_ids[:1])
    stop = asyncio.Event()
    daemon = asyncio.create_task(h.worker("daemon").run(stop))
    await wait_for(h, DONE, lambda n: n > 0, 20)
    await wait_for(h, OPEN, lambda n: n == 0, 20)
    await asyncio.sleep(0.3)  # the daemon is idle now, listening
    await h.connect(h.emu.account_ids[1:2])
    async with h.pool.connection() as conn:
        await conn.execute("select pg_notify('meta_sync_wake', '')")
    await wait_for(h, OPEN, lambda n: n == 0, 10)  # far less than the 30 s poll interval
    stop.set()
    stats = await asyncio.wait_for(daemon, 10)
    assert stats.completed > 0 and set(stats.outcomes) <= {"completed"}
    for account in h.accounts:
        await assert_insights_equal(h, account)


async def test_stop_releases_in_flight_chunks(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("small", config=fast_config(latency_ms=40))
    await h.connect()
    stop = asyncio.Event()
    daemon = asyncio.create_task(h.worker("daemon").run(stop))
    await wait_for(h, DONE, lambda n: n >= 2, 30)
    await wait_for(
        h,
        "select count(*) from meta_sync.sync_job_chunks where status = 'in_progress'",
        lambda n: n > 0,
        30,
    )
    stop.set()
    await asyncio.wait_for(daemon, 10)
    held = await h.fetch(
        "select count(*) from meta_sync.sync_job_chunks where status = 'in_progress'"
    )
    assert held[0][0] == 0  # released, not left to expire
    released = await h.fetch(
        "select count(*) from meta_sync.sync_job_chunks where status = 'pending'"
        " and claimed_count > 0 and retry_count = 0"
    )
    assert released[0][0] > 0
    await h.drain()  # another pass finishes the work
    await assert_insights_equal(h, h.accounts[0])
