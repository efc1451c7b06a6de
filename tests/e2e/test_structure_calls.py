"""What a structure chunk costs in Graph calls, counted by the emulator and by the chunk."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from metasync.clock import SimulatedClock
from metasync.db.queue import claim_sync_chunks
from metasync.graph import GraphClient
from metasync.sync.context import CallCounter, ChunkContext, counting_graph
from metasync.sync.structure import run_structure_chunk
from tests.support.e2e_harness import FAST_RETRY, Harness, assert_entities_equal

EDGES = ("campaigns", "adsets", "ads", "adcreatives")
LISTING_KINDS = ("node:expanded", *(f"edge:{e}" for e in EDGES))
INCREMENTAL_CALLS = (
    "select api_calls from meta_sync.sync_job_chunks where chunk_type = 'structure'"
    " and updated_since is not null and status = 'completed' order by id"
)


def kinds_since(h: Harness, before: dict[str, int]) -> dict[str, int]:
    now = h.emu.stats["by_kind"]
    return {k: now.get(k, 0) - before.get(k, 0) for k in LISTING_KINDS}


async def test_an_incremental_structure_chunk_of_a_small_account_is_one_call(
    make_harness: Callable[..., Any],
) -> None:
    """One shared listing call; plus a by-id read per stored live object no longer listed (the
    second run: an ad Meta deleted since the last sync, simulated by marking it live again)."""
    h: Harness = await make_harness("small")
    await h.connect()
    await h.drain()
    # Every run lists here (the default lists medium accounts once a day).
    await h.fetch(
        "update meta_sync.meta_sync_config set structure_refresh_minutes = 60 returning tier"
    )
    account = h.accounts[0]
    truth = h.emu.truth_entities(account)
    deleted = next(o["id"] for o in truth["ads"] if o["effective_status"] == "DELETED")
    runs: list[int] = []
    for revive in (False, True, False):
        if revive:
            await h.fetch(
                "update meta_sync.meta_ads set effective_status = 'ACTIVE',"
                ' raw = raw || \'{"effective_status": "ACTIVE"}\' where id = %s returning id',
                deleted,
            )
        before = dict(h.emu.stats["by_kind"])
        h.emu.advance(timedelta(hours=6))
        await h.drain()
        runs = [r[0] for r in await h.fetch(INCREMENTAL_CALLS)]
        assert kinds_since(h, before) == {**dict.fromkeys(LISTING_KINDS, 0), "node:expanded": 1}
    assert runs == [1, 2, 1]
    stored = await h.fetch("select effective_status from meta_sync.meta_ads where id = %s", deleted)
    assert stored == [("DELETED",)]
    await assert_entities_equal(h, account)


@pytest.mark.parametrize("page", [500, 100])
async def test_a_full_structure_chunk_of_the_large_account_pages_each_edge_once(
    make_harness: Callable[..., Any], page: int
) -> None:
    h: Harness = await make_harness("large", structure_page_size=page)
    await h.connect()
    async with h.pool.connection() as conn:
        claimed = await claim_sync_chunks(conn, "t", 100, 300, h.emu.clock.now())
    chunk = next(c for c in claimed if c.chunk_type == "structure")
    assert chunk.updated_since is None
    counter = CallCounter()
    graph = GraphClient.from_settings(h.http, h.settings, retry=FAST_RETRY)
    ctx = ChunkContext(chunk, graph, h.pool, h.settings, SimulatedClock(h.emu.clock.now), counter)
    ctx.graph = counting_graph(graph, h.http, h.emu.credentials["access_token"], counter, None, ())
    before = dict(h.emu.stats["by_kind"])
    calls_before = h.emu.stats["calls"]

    await run_structure_chunk(ctx)

    truth = h.emu.truth_entities(chunk.account_id)
    listed = {e: [o for o in truth[e] if o.get("effective_status") != "DELETED"] for e in EDGES}
    pages = {e: math.ceil(len(listed[e]) / page) for e in EDGES}
    assert max(pages.values()) > 1  # the test pages for real
    assert kinds_since(h, before) == {"node:expanded": 1, **{f"edge:{e}": n - 1 for e, n in
                                                             pages.items()}}  # fmt: skip
    assert h.emu.stats["calls"] - calls_before == sum(pages.values()) - 3 == counter.calls
    recorded = "select api_calls from meta_sync.sync_job_chunks where id = %s"
    assert await h.fetch(recorded, chunk.chunk_id) == [(counter.calls,)]
    await assert_entities_equal(h, chunk.account_id)
