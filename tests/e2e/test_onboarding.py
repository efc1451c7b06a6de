"""Full onboarding against the emulator: the database equals Meta's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from e2e_harness import Harness, assert_insights_equal


async def test_small_world_onboarding(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    stats = await h.drain()
    assert stats.outcomes["completed"] > 0
    errors = await h.fetch(
        "select last_error from meta_sync.sync_job_chunks where status = 'failed'"
    )
    assert set(stats.outcomes) <= {"completed"}, (stats.outcomes, errors[:3])
    rows = await assert_insights_equal(h, h.accounts[0])
    assert rows > 100
    jobs = await h.fetch("select sync_phase, status from meta_sync.sync_jobs order by id")
    assert ("recent_90_days", "completed") in jobs


async def test_agency_world_onboarding(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness(
        "agency", worker_concurrency=12, worker_per_account_concurrency=3
    )
    await h.connect()
    stats = await h.drain()
    errors = await h.fetch(
        "select last_error from meta_sync.sync_job_chunks where status = 'failed'"
    )
    assert set(stats.outcomes) <= {"completed"}, (stats.outcomes, errors[:3])
    for account in h.accounts:
        await assert_insights_equal(h, account)
