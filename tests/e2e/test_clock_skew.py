"""A worker whose host clock runs 10 minutes ahead never requeues or takes another worker's
live lease: in production the SQL calls send no ``p_now``, the database's clock decides.

Real Postgres, the emulator (frozen at the real "now", so the database's ``now()`` and Meta's
"today" agree) and real workers; nothing sleeps for the lease to expire.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from metasync.clock import SimulatedClock, SystemClock
from metasync.db.queue import (
    ClaimedChunk,
    claim_sync_chunks,
    release_sync_chunks,
    request_manual_sync,
)
from metasync.runner import Worker
from tests.support.e2e_harness import FAST_RETRY, Harness, assert_insights_equal, outcomes_ok

AHEAD = timedelta(minutes=10)
LEASE = 120  # seconds: expired on a clock 10 minutes ahead, live on the database's


def worker(h: Harness, clock: Any, name: str) -> Worker:
    settings = h.settings.model_copy(update={"lease_seconds": LEASE})
    return Worker(settings, h.pool, h.http, h.cipher, clock, name, retry=FAST_RETRY)


async def hold_first_chunks(h: Harness) -> list[ClaimedChunk]:
    """The honest worker's live leases on the claimable chunks of a new phase 1: the structure
    chunk and the first day, read beside it (the database's clock)."""
    async with h.pool.connection() as conn:
        return await claim_sync_chunks(conn, "honest", 10, LEASE)


async def lease_of(h: Harness, chunk: ClaimedChunk) -> tuple[Any, ...]:
    (row,) = await h.fetch(
        "select status::text, locked_by, lease_token, claimed_count, locked_until"
        " from meta_sync.sync_job_chunks where id = %s",
        chunk.chunk_id,
    )
    return tuple(row)


async def release(h: Harness, chunks: list[ClaimedChunk]) -> int:
    async with h.pool.connection() as conn:
        return await release_sync_chunks(conn, "honest", [c.chunk_id for c in chunks])


async def test_a_worker_ten_minutes_ahead_takes_no_live_lease(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small", clock=datetime.now(UTC).replace(microsecond=0))
    await h.connect()
    held = await hold_first_chunks(h)  # everything else waits on the structure chunk
    assert [c.chunk_type for c in held] == ["structure", "insights"]
    before = [await lease_of(h, c) for c in held]
    assert [b[:4] for b in before] == [("in_progress", "honest", c.lease_token, 1) for c in held]

    ahead = worker(h, SystemClock(AHEAD), "ahead")
    assert ahead.clock.now() - datetime.now(UTC) > AHEAD - timedelta(seconds=5)
    stats = await ahead.run_once(30)  # requeue, claim, enqueue: all on the database's clock
    assert stats.claimed == 0
    assert [await lease_of(h, c) for c in held] == before  # not requeued, taken nor extended
    assert await release(h, held) == 2  # still the honest worker's leases

    outcomes_ok(await h.drain(ahead))  # the skewed host syncs everything else correctly
    assert (
        await h.fetch("select id from meta_sync.sync_job_chunks where status <> 'completed'") == []
    )
    assert await assert_insights_equal(h, h.accounts[0]) > 0


async def test_the_same_skew_sent_as_p_now_would_take_the_lease(
    make_harness: Callable[..., Any],
) -> None:
    """The control: what the worker did before, sending its host time as ``p_now``."""
    h: Harness = await make_harness("small", clock=datetime.now(UTC).replace(microsecond=0))
    await h.connect()
    outcomes_ok(await h.drain(worker(h, SystemClock(), "first")))
    today = datetime.now(UTC).date()
    async with h.pool.connection() as conn:
        await request_manual_sync(conn, h.accounts[0], today - timedelta(days=3), today)
    async with h.pool.connection() as conn:
        (held,) = await claim_sync_chunks(conn, "honest", 1, LEASE)
    sent = worker(h, SimulatedClock(lambda: datetime.now(UTC) + AHEAD), "ahead-sent")
    stats = await sent.run_once(30)
    assert stats.claimed >= 1
    status, locked_by, token, claimed, _ = await lease_of(h, held)
    assert (token, claimed) != (held.lease_token, 1)  # requeued and claimed again
    assert locked_by != "honest"
    assert await release(h, [held]) == 0  # the honest worker lost a live lease
    assert status in ("completed", "in_progress")  # the skewed worker ran it
