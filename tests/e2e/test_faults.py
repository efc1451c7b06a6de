"""Fault storms, throttling and token death: the sync still ends equal to Meta's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from meta_emulator import Faults
from metasync import tokens
from metasync.runner import RunStats
from tests.support.e2e_harness import Harness, account_today, assert_insights_equal, fast_config

STORM = Faults(transient=0.08, throttle=0.02, batch_null=0.2, report_failed=0.3,
               malformed=0.04, short_page=0.2, empty_page=0.1)  # fmt: skip


async def drain_through_backoffs(h: Harness, rounds: int = 40) -> RunStats:
    """Drain; while chunks wait for a backoff, move the emulator clock 20 minutes on."""
    total = RunStats()
    for _ in range(rounds):
        stats = await h.drain()
        total.outcomes.update(stats.outcomes)
        pending = await h.fetch(
            "select count(*) from meta_sync.sync_job_chunks"
            " where status in ('pending', 'in_progress')"
        )
        if pending[0][0] == 0:
            return total
        h.emu.advance(timedelta(minutes=20))
    raise AssertionError(f"chunks still pending after {rounds} rounds: {total}")


async def test_fault_storm_ends_exact(make_harness: Callable[..., Any]) -> None:
    config = fast_config(faults=STORM, max_sync_rows=60)
    h: Harness = await make_harness("small", config=config, insights_async_min_rows=100)
    await h.connect()
    stats = await drain_through_backoffs(h)
    print(f"storm: {dict(stats.outcomes)} emulator: {h.emu.stats}")
    assert stats.outcomes["split"] > 0  # too many rows / failed runs split chunks
    failed = await h.fetch(
        "select last_error from meta_sync.sync_job_chunks where status = 'failed'"
    )
    assert failed == []
    emu = h.emu.stats
    assert emu["failed"] > 0 and emu["batch_items"] > 0
    account = h.accounts[0]
    # the clock moved during the storm (backoffs): today's partial row was read earlier
    await assert_insights_equal(h, account, until=account_today(h.emu, account) - timedelta(days=1))
    split = await h.fetch(
        "select count(*) from meta_sync.sync_job_chunks where parent_chunk_id is not null"
    )
    assert split[0][0] >= 2


async def test_token_death_mid_sync_then_new_token_resumes(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small", config=fast_config(faults=Faults(token_death=0.15)))
    await h.connect()
    first = await h.drain()
    assert first.outcomes["released"] >= 1
    status = await h.fetch("select status::text, last_error from meta_sync.meta_connections")
    assert status[0][0] == "expired" and "190" in status[0][1]
    log = h.emu.call_log(10_000)
    dead_at = next(i for i, e in enumerate(log) if e.get("code") == 190)
    assert len(log) - dead_at - 1 <= 1  # at most one call after the 190
    pending = await h.fetch(
        "select count(*) from meta_sync.sync_job_chunks where status = 'pending'"
    )
    assert pending[0][0] > 0  # the work waits for a new token
    h.emu.set_faults(token_death=0)
    fresh = next(t["access_token"] for t in h.emu.credentials["tokens"] if t["valid"])
    async with h.pool.connection() as conn:
        assert h.connection_id is not None
        await tokens.replace_token(conn, h.cipher, h.connection_id, fresh)
    second = await h.drain()
    assert set(second.outcomes) <= {"completed"} and second.completed > 0
    await assert_insights_equal(h, h.accounts[0])


async def test_failed_report_runs_split_and_end_exact(make_harness: Callable[..., Any]) -> None:
    # a failed run is read plainly once; with a tiny row limit that is too much data -> split
    config = fast_config(faults=Faults(report_failed=0.4), max_sync_rows=60)
    h: Harness = await make_harness("small", config=config, insights_async_min_rows=1)
    await h.connect()
    stats = await h.drain()
    assert set(stats.outcomes) <= {"completed", "split"}, stats.outcomes
    assert stats.outcomes["split"] > 0
    assert h.emu.stats["by_kind"]["insights_async"] > stats.outcomes["split"]
    await assert_insights_equal(h, h.accounts[0])


async def test_quota_throttle_is_the_last_one(make_harness: Callable[..., Any]) -> None:
    """A tiny quota: once Meta throttles, the shared state stops every further call in that
    scope until the regain time, so Meta never throttles again."""
    config = fast_config(access_tier="development_access", quota_scale=0.05)
    h: Harness = await make_harness("small", config=config)
    await h.connect()
    stats = await drain_through_backoffs(h, rounds=60)
    print(f"quota: {dict(stats.outcomes)} emulator: {h.emu.stats}")
    assert h.emu.stats["throttled"] <= 1
    blocked = await h.fetch("select count(*) from meta_sync.meta_rate_limit_state")
    assert blocked[0][0] > 0
    account = h.accounts[0]
    await assert_insights_equal(h, account, until=account_today(h.emu, account) - timedelta(days=1))
