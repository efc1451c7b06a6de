"""Full onboarding against the emulator: the database equals Meta's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from e2e_harness import Harness, account_today, db_rows, history_start, truth_rows


async def assert_insights_equal(h: Harness, account: str) -> int:
    since, until = history_start(h.emu, account), account_today(h.emu, account)
    truth = truth_rows(h.emu, account, since, until)
    got = await db_rows(h, account, since, until)
    missing = sorted(set(truth) - set(got))[:5]
    extra = sorted(set(got) - set(truth))[:5]
    assert not missing and not extra, f"{account}: missing {missing} extra {extra}"
    wrong = [k for k in truth if truth[k] != got[k]][:3]
    assert not wrong, f"{account}: {[(k, truth[k], got[k]) for k in wrong]}"
    return len(truth)


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
