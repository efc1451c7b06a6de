"""Full onboarding against the emulator: the database equals Meta's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.support.e2e_harness import (
    Harness,
    account_today,
    assert_entities_equal,
    assert_insights_equal,
    history_start,
)


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
    assert ("recent_window", "completed") in jobs


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
    # The per-account limit is kept inside the claim: no chunk is claimed and handed back.
    assert await h.fetch("select max(claimed_count) from meta_sync.sync_job_chunks") == [(1,)]
    for account in h.accounts:
        await assert_insights_equal(h, account)


async def test_deleted_and_archived_ads_kept_with_their_insights(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    await h.drain()
    account = h.accounts[0]
    counts = await assert_entities_equal(h, account)
    assert counts["ads"] > 0
    deleted = await h.fetch(
        "select a.id, count(i.*) from meta_sync.meta_ads a"
        " left join meta_sync.meta_insights_daily i on i.ad_id = a.id"
        " where a.is_deleted group by a.id"
    )
    assert deleted and all(n > 0 for _, n in deleted)  # found through their insights, by id
    truth_deleted = {o["id"] for o in h.emu.truth_entities(account)["ads"]
                     if o["effective_status"] == "DELETED"}  # fmt: skip
    assert {d for d, _ in deleted} <= truth_deleted
    h.emu.advance(timedelta(days=3))  # ads get archived and paused by their campaign
    await h.drain()
    archived = await h.fetch("select count(*) from meta_sync.meta_ads where is_archived")
    assert archived[0][0] > 0
    await assert_entities_equal(h, account)


async def test_phases_cover_the_history_without_gap(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    await h.drain()
    jobs = await h.fetch(
        "select id, sync_phase::text, date_since, date_until from meta_sync.sync_jobs order by id"
    )
    by_phase = {phase: (since, until) for _, phase, since, until in jobs}
    p1, p2 = by_phase["recent_window"], by_phase.get("historical_backfill")
    account = h.accounts[0]
    assert p1[1] == account_today(h.emu, account)
    if p2 is not None:
        assert p2[1] + timedelta(days=1) == p1[0]  # no gap, no overlap
    first = p2[0] if p2 else p1[0]
    assert first <= history_start(h.emu, account)
    for job_id, _, since, until in jobs:
        chunks = await h.fetch(
            "select date_since, date_until from meta_sync.sync_job_chunks where job_id = %s"
            " and chunk_type = 'insights' and status = 'completed' and campaign_ids is null"
            " order by date_since",
            job_id,
        )
        day = since
        for lo, hi in chunks:
            assert lo == day, f"job {job_id}: gap or overlap at {day}"
            day = hi + timedelta(days=1)
        assert day == until + timedelta(days=1)


async def test_without_reading_unlisted_objects_insights_stay_exact(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small", unlisted_objects="skip")
    await h.connect()
    await h.drain()
    await assert_insights_equal(h, h.accounts[0])  # objectives come with the rows
    deleted = await h.fetch("select count(*) from meta_sync.meta_ads where is_deleted")
    assert deleted[0][0] == 0  # never listed, never read by id
    orphans = await h.fetch(
        "select count(distinct i.ad_id) from meta_sync.meta_insights_daily i"
        " where not exists (select 1 from meta_sync.meta_ads a where a.id = i.ad_id)"
    )
    assert orphans[0][0] > 0  # their insights are there all the same
