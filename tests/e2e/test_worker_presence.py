"""A worker's presence and its log lines: registration, counters, finished jobs, lost leases,
heartbeat failures, and a token that cannot be decrypted."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest

from metasync.clock import SimulatedClock
from metasync.crypto import TokenCipher, generate_key
from metasync.db.queue import claim_sync_chunks
from metasync.presence import new_worker_id
from metasync.runner import Worker
from tests.support.e2e_harness import Harness


def records(caplog: pytest.LogCaptureFixture, message: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == message]


async def test_a_worker_registers_counts_and_logs_its_jobs(
    make_harness: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    h: Harness = await make_harness("small")
    await h.connect()
    worker = Worker(h.settings, h.pool, h.http, h.cipher, SimulatedClock(h.emu.clock.now, h.sleep))
    assert re.fullmatch(r".+:\d+:[0-9a-f]{8}", worker.worker_id)
    stats = await h.drain(worker)
    assert stats.completed > 0

    start = records(caplog, "worker started")[0]
    assert start.worker_id == worker.worker_id  # type: ignore[attr-defined]
    assert start.graph_url == "http://emulator.test/v25.0"  # type: ignore[attr-defined]
    assert start.concurrency == 6 and start.database  # type: ignore[attr-defined]
    assert (start.per_account, start.per_account_history) == (3, 8)  # type: ignore[attr-defined]
    jobs = await h.fetch("select id, status::text from meta_sync.sync_jobs order by id")
    finished = records(caplog, "job finished")
    assert sorted(r.job_id for r in finished) == [j[0] for j in jobs]  # type: ignore[attr-defined]
    assert {r.status for r in finished} == {"completed"}  # type: ignore[attr-defined]
    assert not records(caplog, "lease lost, cancelling")

    row = await h.fetch(
        "select stopped_at is not null, counters from meta_sync.sync_workers where worker_id = %s",
        worker.worker_id,
    )
    stopped, counters = row[0]
    assert stopped  # the pass signed off
    assert sum(counters["graph_calls"].values()) > 0
    assert all(key.endswith("|ok") for key in counters["graph_calls"])
    assert counters["chunks"]["completed"] == stats.completed
    assert counters["rows_written"] == stats.rows_written


def test_worker_ids_differ_per_process_start() -> None:
    assert new_worker_id() != new_worker_id()


async def test_a_finished_chunk_is_no_lost_lease(
    make_harness: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    worker = h.worker("w-lease")
    await worker.presence.register()
    async with h.pool.connection() as conn:
        mine = await claim_sync_chunks(conn, "w-lease", 1, 120, h.emu.clock.now())
        await conn.execute(
            "select meta_sync.complete_sync_chunk(%s, %s, 0, 0, '{}', null, %s)",
            (mine[0].chunk_id, mine[0].lease_token, h.emu.clock.now()),
        )
        mine += await claim_sync_chunks(conn, "w-lease", 1, 120, h.emu.clock.now())
        await conn.execute(
            "update meta_sync.sync_job_chunks set locked_by = 'w-other' where id = %s",
            (mine[1].chunk_id,),
        )
    lost = await worker.presence.lost([mine[0].chunk_id, mine[1].chunk_id])
    assert lost == {mine[1].chunk_id}
    warnings = records(caplog, "lease lost, cancelling")
    assert [r.chunk_id for r in warnings] == [mine[1].chunk_id]  # type: ignore[attr-defined]


async def test_heartbeat_failures_are_logged(
    make_harness: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    h: Harness = await make_harness("small")
    worker = h.worker("w-beat")

    async def broken(_: int) -> None:
        raise OSError("connection refused")

    worker.presence.beat = broken  # type: ignore[method-assign]
    assert await worker.beat_once() is False
    failure = records(caplog, "heartbeat failed")
    assert len(failure) == 1
    assert "connection refused" in failure[0].error  # type: ignore[attr-defined]


async def test_a_token_under_an_unknown_key_fails_its_chunk_at_once(
    make_harness: Callable[..., Any],
) -> None:
    """The keyring lost the token's key: the chunk fails now, saying why; nothing waits for a
    lease to expire and nothing crashes."""
    h: Harness = await make_harness("small")
    await h.connect()
    clock = SimulatedClock(h.emu.clock.now, h.sleep)
    other = Worker(h.settings, h.pool, h.http, TokenCipher({"k2": generate_key()}, "k2"), clock,
                   "w-nokey")  # fmt: skip
    stats = await other.run_once(30)
    assert stats.claimed > 0
    assert stats.outcomes["crashed"] == 0
    assert stats.outcomes["failed"] == stats.claimed
    chunks = await h.fetch(
        "select status::text, last_error from meta_sync.sync_job_chunks where locked_by is null"
        " and claimed_count > 0"
    )
    assert chunks and all(s == "failed" for s, _ in chunks)
    assert all("token cannot be decrypted" in e and "'k1'" in e for _, e in chunks)
    account = await h.fetch("select last_sync_error from meta_sync.meta_ad_accounts")
    assert "token cannot be decrypted" in account[0][0]
