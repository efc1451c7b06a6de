"""After onboarding, time passes: incremental and settle jobs keep the database equal to Meta."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.support.e2e_harness import Harness, assert_entities_equal, assert_insights_equal


async def test_incremental_and_settle_follow_late_conversions(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    await h.drain()
    account = h.accounts[0]
    await assert_entities_equal(h, account)
    before = await h.fetch("select count(*) from meta_sync.sync_jobs")
    for _ in range(3):
        h.emu.advance(timedelta(hours=24))
        stats = await h.drain()
        assert stats.enqueued_jobs >= 1  # incremental (and settle) enqueued with p_now = emulator
        assert set(stats.outcomes) <= {"completed"}, stats.outcomes
    phases = {
        r[0] for r in await h.fetch("select distinct sync_phase::text from meta_sync.sync_jobs")
    }
    assert {"incremental", "settle"} <= phases, phases
    after = await h.fetch("select count(*) from meta_sync.sync_jobs")
    assert after[0][0] > before[0][0]
    await assert_insights_equal(h, account)
    await assert_entities_equal(h, account)
    incremental = await h.fetch(
        "select count(*) from meta_sync.sync_job_chunks"
        " where chunk_type = 'structure' and updated_since is not null and status = 'completed'"
    )
    assert incremental[0][0] >= 1  # structure read incrementally (updated_time filter + sweep)
