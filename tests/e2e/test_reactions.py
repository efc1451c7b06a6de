"""One reaction per error class, on real claimed chunks (the other accounts go on)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from metasync.clock import SimulatedClock
from metasync.db.queue import claim_sync_chunks
from metasync.graph import PermissionDeniedError, ThrottledError
from metasync.sync.context import ChunkContext
from metasync.sync.execute import react
from tests.support.e2e_harness import Harness, assert_insights_equal

BOGUS = "act_999999999"


async def add_bogus_account(h: Harness) -> None:
    """An account row Meta does not know, on the same connection."""
    async with h.pool.connection() as conn:
        await conn.execute(
            "insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, currency,"
            " timezone_name) values (%s, %s, %s, 'USD', 'UTC')",
            (BOGUS, h.organization_id, h.connection_id),
        )
        await conn.execute(
            "select meta_sync.start_account_onboarding(p_account_id => %s, p_now => %s)",
            (BOGUS, h.emu.clock.now()),
        )


async def test_bad_request_fails_for_good_and_others_go_on(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    await add_bogus_account(h)
    # One bounded pass: the bogus account's failed phase 1 comes back after its error backoff.
    stats = await h.worker().run_once(4)
    assert stats.outcomes["failed"] >= 1
    bogus = await h.fetch(
        "select status::text, retry_count, last_error from meta_sync.sync_job_chunks"
        " where account_id = %s and status = 'failed'",
        BOGUS,
    )
    assert bogus and all(r[1] == 0 and r[2].startswith("bad request") for r in bogus)
    await assert_insights_equal(h, h.accounts[0])


async def claimed_context(h: Harness) -> ChunkContext:
    async with h.pool.connection() as conn:
        (chunk,) = await claim_sync_chunks(conn, "w-react", 1, 60, h.emu.clock.now())
    return ChunkContext(
        chunk, h.worker().graph, h.pool, h.settings, SimulatedClock(h.emu.clock.now)
    )


async def test_permission_denied_fails_for_good_with_a_clear_message(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    ctx = await claimed_context(h)
    outcome = await react(
        ctx, PermissionDeniedError("(#200) no ads_read", code=200), "w-react", set()
    )
    assert outcome.status == "failed"
    chunk = await h.fetch(
        "select status::text, last_error from meta_sync.sync_job_chunks where id = %s",
        ctx.chunk.chunk_id,
    )
    assert chunk[0][0] == "failed" and chunk[0][1].startswith("permission denied by Meta")
    account = await h.fetch("select last_sync_error from meta_sync.meta_ad_accounts")
    assert "permission denied" in account[0][0]


async def test_throttle_backs_the_account_off_until_regain(
    make_harness: Callable[..., Any],
) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    ctx = await claimed_context(h)
    err = ThrottledError("(#17) User request limit reached", code=17, scope="account",
                         scope_id=ctx.account_id, retry_after=3600)  # fmt: skip
    outcome = await react(ctx, err, "w-react", set())
    assert outcome.status == "released"
    row = await h.fetch(
        "select rate_limit_backoff_until from meta_sync.meta_ad_accounts where id = %s",
        ctx.account_id,
    )
    assert row[0][0] >= h.emu.clock.now() + timedelta(minutes=59)
    chunk = await h.fetch(
        "select status::text, retry_count from meta_sync.sync_job_chunks where id = %s",
        ctx.chunk.chunk_id,
    )
    assert chunk[0] == ("pending", 0)  # released, no attempt counted
    assert (await h.drain()).claimed == 0  # nothing of this account before the regain time
    h.emu.advance(timedelta(minutes=61))
    assert (await h.drain()).completed > 0
