"""What reading unlisted (deleted) objects by id costs: an ad's ad set and campaign ride on the
ad's read, an ad set's campaign on the ad set's, so each object costs a call only when no child
read by id carried it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from metasync.clock import SimulatedClock
from metasync.db.queue import ClaimedChunk
from metasync.graph import GraphClient
from metasync.sync.context import CallCounter, ChunkContext, counting_graph
from metasync.sync.insights import store_missing_objects
from tests.support.e2e_harness import FAST_RETRY, Harness, assert_entities_equal

# Deleted ads under deleted ad sets and campaigns, deleted ad sets and campaigns whose ads
# insights name are listed, at the harness clock (agency world, seed 1).
ACCOUNT = "act_1000100000017"
EDGES = ("ads", "adsets", "campaigns")
TABLES = {"ads": "meta_ads", "adsets": "meta_adsets", "campaigns": "meta_campaigns"}


def expected_calls(h: Harness, unlisted: dict[str, set[str]]) -> dict[str, int]:
    """By-id calls per edge: every unlisted ad; the unlisted ad sets no unlisted ad carried; the
    unlisted campaigns neither carried."""
    truth = {e: {o["id"]: o for o in h.emu.truth_entities(ACCOUNT)[e]} for e in EDGES}
    ads, adsets = unlisted["ads"], unlisted["adsets"]
    carried_adsets = {truth["ads"][a]["adset_id"] for a in ads}
    carried_campaigns = {truth["ads"][a]["campaign_id"] for a in ads} | {
        truth["adsets"][s]["campaign_id"] for s in adsets - carried_adsets
    }
    return {
        "ads": len(ads),
        "adsets": len(adsets - carried_adsets),
        "campaigns": len(unlisted["campaigns"] - carried_campaigns),
    }


def by_id_calls(h: Harness, since: int, unlisted: dict[str, set[str]]) -> dict[str, int]:
    """The emulator's by-id reads since call number ``since``, per edge of the object read."""
    log = h.emu.call_log(h.emu.stats["calls"] - since)
    read = [c["path"].rsplit("/", 1)[-1] for c in log if c["kind"] == "node"]
    return {e: sum(i in unlisted[e] for i in read) for e in EDGES}


async def stored(h: Harness, edge: str, where: str = "true") -> set[str]:
    rows = await h.fetch(
        f"select id from meta_sync.{TABLES[edge]} where account_id = %s and {where}", ACCOUNT
    )
    return {r[0] for r in rows}


def context(h: Harness, counter: CallCounter) -> ChunkContext:
    chunk = ClaimedChunk(0, uuid.uuid4(), 0, ACCOUNT, None, "UTC", "USD", "recent_window",
                         "insights", None, None, None, None)  # fmt: skip
    graph = GraphClient.from_settings(h.http, h.settings, retry=FAST_RETRY)
    ctx = ChunkContext(chunk, graph, h.pool, h.settings, SimulatedClock(h.emu.clock.now), counter)
    ctx.graph = counting_graph(graph, h.http, h.emu.credentials["access_token"], counter, None, ())
    return ctx


async def test_parents_ride_on_their_childrens_by_id_reads(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("agency", unlisted_objects="by_id")
    await h.connect([ACCOUNT])
    await h.drain(h.worker(unlisted_objects="skip"))  # only the listed objects are stored
    named = await h.fetch(
        "select distinct ad_id, adset_id, campaign_id from meta_sync.meta_insights_daily"
        " where account_id = %s",
        ACCOUNT,
    )
    raws = [{"ad_id": a, "adset_id": s, "campaign_id": c} for a, s, c in named]
    keys = {"ads": 0, "adsets": 1, "campaigns": 2}
    unlisted = {e: {r[keys[e]] for r in named} - await stored(h, e) for e in EDGES}
    expected = expected_calls(h, unlisted)
    assert all(unlisted.values()) and expected["adsets"] and expected["campaigns"]
    assert sum(expected.values()) < sum(map(len, unlisted.values()))  # parents do ride

    # Insights name objects the database lacks: read and stored.
    counter, before = CallCounter(), h.emu.stats["calls"]
    await store_missing_objects(context(h, counter), raws)
    assert by_id_calls(h, before, unlisted) == expected
    assert counter.calls == sum(expected.values())  # nothing else was read
    for edge in EDGES:
        assert unlisted[edge] <= await stored(h, edge, "is_deleted"), edge
    await assert_entities_equal(h, ACCOUNT)

    # The structure sync finds them live in the database but no longer listed: read again.
    for edge, table in TABLES.items():
        await h.fetch(
            f"update meta_sync.{table} set effective_status = 'ACTIVE',"
            ' raw = raw || \'{"effective_status": "ACTIVE"}\' where id = any(%s) returning id',
            sorted(unlisted[edge]),
        )
    await h.fetch(  # the next scheduled run lists the structure (default: once a day)
        "update meta_sync.meta_sync_config set structure_refresh_minutes = 60 returning tier"
    )
    before = h.emu.stats["calls"]
    h.emu.advance(timedelta(hours=6))
    await h.drain()
    assert by_id_calls(h, before, unlisted) == expected
    for edge in EDGES:
        assert unlisted[edge] <= await stored(h, edge, "is_deleted"), edge
    await assert_entities_equal(h, ACCOUNT)
