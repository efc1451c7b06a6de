"""Phase 1's first chunk (the newest day) is read beside the structure chunk: its rows are
readable before any entity is stored, the objects they name (deleted ones included) are stored
once the listing is in, and the structure is still listed once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from metasync.db import scheduling
from metasync.db.queue import claim_sync_chunks, release_sync_chunks
from tests.support.e2e_harness import (
    Harness,
    account_today,
    assert_entities_equal,
    assert_insights_equal,
    outcomes_ok,
)

ACCOUNT = "act_1000100000017"  # agency world, seed 1: deleted objects its insights name


async def wait_for(h: Harness, sql: str, *args: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not (await h.fetch(sql, *args))[0][0]:
        assert time.monotonic() < deadline, f"still not true after {seconds} s: {sql}"
        await asyncio.sleep(0.05)


async def test_the_first_day_is_readable_before_the_structure_is_stored(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("agency")
    await h.connect([ACCOUNT])
    before = dict(h.emu.stats["by_kind"])
    async with h.pool.connection() as conn:
        await scheduling.enqueue_due_syncs(conn, now=h.emu.clock.now())
        (held,) = await claim_sync_chunks(conn, "holder", 1, 600, h.emu.clock.now())
    assert held.chunk_type == "structure"

    worker = h.worker("w1")
    run = asyncio.create_task(worker.run_once(60))
    today = account_today(h.emu, ACCOUNT)
    await wait_for(h, "select exists (select from meta_sync.meta_insights_daily"
                      " where account_id = %s and date = %s)", ACCOUNT, today)  # fmt: skip
    first = await h.fetch(
        "select c.status::text, c.date_since, c.date_until, c.depends_on_chunk_id"
        " from meta_sync.sync_job_chunks c where c.job_id = %s and c.chunk_order = 1",
        held.job_id,
    )
    assert first == [("in_progress", today, today, None)]  # written, not yet complete
    assert await h.fetch("select count(*) from meta_sync.meta_ads where account_id = %s",
                         ACCOUNT) == [(0,)]  # fmt: skip
    assert "node:expanded" not in h.emu.stats["by_kind"]  # not listed yet: the chunk waits

    async with h.pool.connection() as conn:  # the holder hands the structure chunk back
        assert await release_sync_chunks(conn, "holder", [held.chunk_id], h.emu.clock.now()) == 1
    outcomes_ok(await run)
    outcomes_ok(await h.drain(worker))
    calls = {k: n - before.get(k, 0) for k, n in h.emu.stats["by_kind"].items()}
    assert calls["node:expanded"] == 1  # one listing, no second one
    objects = {o["id"] for edge in h.emu.truth_entities(ACCOUNT).values() for o in edge}
    read = [c["path"].rsplit("/", 1)[-1] for c in h.emu.call_log(h.emu.stats["calls"])
            if c["kind"] == "node"]  # fmt: skip
    assert not objects & set(read)  # no object read by id (node reads are report-run polls)
    assert await assert_insights_equal(h, ACCOUNT) > 0
    await assert_entities_equal(h, ACCOUNT)
