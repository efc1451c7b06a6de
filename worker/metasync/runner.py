"""The worker loop: claim chunks, run them concurrently, heartbeat, release on stop.

``Worker.run(stop)`` is the daemon (``metasync run``); ``Worker.run_once(max_seconds)`` one
bounded pass (``metasync run --once``). Both requeue expired leases, claim up to the free
capacity (a global limit and per-account limits: one for phase 2's report runs, one for the
rest), heartbeat the leases in the background and,
when idle, call ``enqueue_due_syncs``. The daemon then waits for ``NOTIFY meta_sync_wake`` or
the poll interval. Every SQL call gets the clock's ``db_now()`` as ``p_now``: with the
:class:`~metasync.clock.SystemClock` none at all, so leases, ``run_after`` and requeues follow
the database's clock, never this host's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from metasync.clock import SYSTEM_CLOCK, Clock
from metasync.crypto import TokenCipher, TokenCipherError
from metasync.db import notify, scheduling
from metasync.db.queue import (
    ClaimedChunk,
    claim_sync_chunks,
    heartbeat_sync_chunks,
    release_sync_chunks,
    requeue_expired_leases,
)
from metasync.graph import Governor, GraphClient, RetryPolicy, TokenDeadError
from metasync.metrics import WorkerCounters, call_kind
from metasync.presence import Presence, new_worker_id
from metasync.settings import Settings
from metasync.sync.context import CallCounter, ChunkContext, counting_graph
from metasync.sync.execute import ChunkOutcome, execute_chunk, fail_undecryptable, react
from metasync.sync.tokencache import TokenCache
from metasync.sync.usage import PostgresUsageStore

log = logging.getLogger("metasync.worker")
DB_DOWN = (psycopg.OperationalError, PoolTimeout)


@dataclass
class RunStats:
    claimed: int = 0
    enqueued_jobs: int = 0
    rows_written: int = 0
    api_calls: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    database_steps: int = 0  # turns of the loop whose database calls succeeded
    database_error: str | None = None  # the last "database unavailable" error

    def add(self, outcome: ChunkOutcome) -> None:
        self.outcomes[outcome.status] += 1
        self.rows_written += outcome.rows_written
        self.api_calls += outcome.api_calls

    @property
    def completed(self) -> int:
        return self.outcomes["completed"]


class Worker:
    def __init__(
        self,
        settings: Settings,
        pool: AsyncConnectionPool[Any],
        http: httpx.AsyncClient,
        cipher: TokenCipher,
        clock: Clock = SYSTEM_CLOCK,
        worker_id: str | None = None,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        """``clock`` (a :class:`~metasync.clock.SimulatedClock`) and ``retry`` are for tests that
        drive time."""
        self.settings, self.pool, self.http, self.cipher, self.clock = (
            settings, pool, http, cipher, clock,
        )  # fmt: skip
        self.worker_id = worker_id or new_worker_id()
        self.counters = WorkerCounters()
        self.presence = Presence(
            pool, self.worker_id, settings.worker_concurrency, self.counters, clock
        )
        self.governor = Governor(
            PostgresUsageStore(pool, clock), clock=clock.now, sleep=clock.sleep
        )
        self.graph = GraphClient.from_settings(
            http, settings, governor=self.governor, retry=retry, sleep=clock.sleep,
            on_call=lambda m, p, e: self.counters.graph_call(call_kind(m, p), e),
        )  # fmt: skip
        self.tokens = TokenCache(pool, cipher, settings.token_cache_seconds, clock)
        self.dead = self.tokens.dead
        self._locks: dict[str, asyncio.Lock] = {}
        self._running: dict[asyncio.Task[ChunkOutcome], ClaimedChunk] = {}
        self._ended: list[int] = []  # chunks collected since the last finished-job report

    # --- public --------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> RunStats:
        """Until ``stop`` is set; then in-flight chunks are cancelled and released."""
        return await self._loop(stop, deadline=None, daemon=True)

    async def run_once(self, max_seconds: float) -> RunStats:
        """One bounded pass: work until nothing is claimable (after one enqueue) or time is up."""
        deadline = self.clock.monotonic() + max_seconds
        return await self._loop(asyncio.Event(), deadline, daemon=False)

    # --- the loop ------------------------------------------------------------------------
    async def _loop(self, stop: asyncio.Event, deadline: float | None, daemon: bool) -> RunStats:
        stats = RunStats()
        graph_url = f"{self.graph.base_url}/{self.graph.api_version}"
        self.presence.log_start(
            graph_url,
            self.settings.worker_per_account_concurrency,
            self.settings.worker_per_account_history_concurrency,
        )
        try:
            await self.presence.register()
        except DB_DOWN as exc:  # the first heartbeat that reaches the database registers
            log.warning("could not register the worker", extra={"error": type(exc).__name__})
        beat = asyncio.create_task(self._heartbeat_forever())
        try:
            await self._pump(stop, deadline, daemon, stats)
        finally:
            beat.cancel()
            await self._shutdown(stats)
            await self.presence.stop()
        return stats

    async def _pump(
        self, stop: asyncio.Event, deadline: float | None, daemon: bool, stats: RunStats
    ) -> None:
        idle_enqueued = False
        while not stop.is_set() and (deadline is None or self.clock.monotonic() < deadline):
            try:
                action = await self._step(stop, deadline, daemon, stats, idle_enqueued)
            except DB_DOWN as exc:  # Postgres restarting or unreachable: wait, then go on
                log.warning("database unavailable", extra={"error": type(exc).__name__})
                stats.database_error = _first_line(exc)
                await _wait(stop, self.settings.poll_interval_seconds)
                continue
            stats.database_steps += 1
            if action == "done":
                return
            idle_enqueued = action == "enqueued_nothing"

    async def _step(
        self,
        stop: asyncio.Event,
        deadline: float | None,
        daemon: bool,
        stats: RunStats,
        idle_enqueued: bool,
    ) -> str:
        """One turn of the loop: run, claim, or (idle) enqueue once, then wait or finish."""
        started = await self._fill(stats)
        if self._running:
            await self._wait_some(stop, deadline, stats)
            ended, self._ended = self._ended, []
            await self.presence.report_finished_jobs(ended)
            return "ran"
        if started:
            return "ran"
        if not idle_enqueued:
            return "ran" if await self._enqueue(stats) else "enqueued_nothing"
        if not daemon:
            return "done"
        await self._wait_wake(stop)
        return "woke"

    async def _fill(self, stats: RunStats) -> int:
        """Claim up to the free capacity and start the chunks; how many were started. The claim
        keeps the per-account limit (it counts this worker's chunks in progress in Postgres,
        which knows a chunk has ended before its task here has returned)."""
        free = self.settings.worker_concurrency - len(self._running)
        if free <= 0:
            return 0
        now = self.clock.db_now()
        async with self.pool.connection() as conn:
            await requeue_expired_leases(conn, now)
            claimed = await claim_sync_chunks(
                conn, self.worker_id, free, self.settings.lease_seconds, now,
                per_account=self.settings.worker_per_account_concurrency,
                per_account_history=self.settings.worker_per_account_history_concurrency,
            )  # fmt: skip
        stats.claimed += len(claimed)
        for chunk in claimed:
            task = asyncio.create_task(self._execute(chunk))
            self._running[task] = chunk
        return len(claimed)

    async def _wait_some(
        self, stop: asyncio.Event, deadline: float | None, stats: RunStats
    ) -> None:
        timeout = self.settings.poll_interval_seconds
        if deadline is not None:
            timeout = max(0.0, min(timeout, deadline - self.clock.monotonic()))
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait(
                [*self._running, stopper], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopper.cancel()
        for task in done:
            if task is not stopper:
                self._collect(task, stats)  # type: ignore[arg-type]

    def _collect(self, task: asyncio.Task[ChunkOutcome], stats: RunStats) -> None:
        chunk = self._running.pop(task)
        if task.cancelled():
            return
        if task.exception() is not None:  # the lease expires and another attempt follows
            fields = {"chunk_id": chunk.chunk_id, "account_id": chunk.account_id}
            log.error("chunk task crashed", exc_info=task.exception(), extra=fields)
            stats.outcomes["crashed"] += 1
            self.counters.chunk("crashed", 0)
            return
        outcome = task.result()
        stats.add(outcome)
        self.counters.chunk(outcome.status, outcome.rows_written)
        self._ended.append(chunk.chunk_id)
        log.info("chunk done", extra={"chunk_id": chunk.chunk_id, "account_id": chunk.account_id,
                                      "outcome": outcome.status, "rows": outcome.rows_written,
                                      "api_calls": outcome.api_calls})  # fmt: skip

    async def _execute(self, chunk: ClaimedChunk) -> ChunkOutcome:
        counter = CallCounter()
        lock = self._locks.setdefault(chunk.account_id, asyncio.Lock())
        ctx = ChunkContext(chunk, self.graph, self.pool, self.settings, self.clock, counter, lock)
        try:
            token = await self.tokens.get(chunk.connection_id)
        except TokenDeadError as dead:  # died while this chunk was being claimed
            return await react(ctx, dead, self.worker_id, self.dead)
        except TokenCipherError as undecryptable:  # unknown key id, wrong key: no retry helps
            return await fail_undecryptable(ctx, undecryptable)
        ctx.graph = counting_graph(
            self.graph, self.http, token, counter, chunk.connection_id, self.dead
        )
        return await execute_chunk(ctx, self.worker_id, self.dead)

    # --- around the loop -----------------------------------------------------------------
    async def _enqueue(self, stats: RunStats) -> int:
        async with self.pool.connection() as conn:
            jobs = len(await scheduling.enqueue_due_syncs(conn, now=self.clock.db_now()))
        stats.enqueued_jobs += jobs
        return jobs

    async def _wait_wake(self, stop: asyncio.Event) -> None:
        """Until NOTIFY meta_sync_wake, ``stop`` or the poll interval."""
        timeout = self.settings.poll_interval_seconds
        async with self.pool.connection() as conn:
            await conn.set_autocommit(True)
            await notify.listen(conn, notify.WAKE_CHANNEL)
            try:
                waiter = asyncio.create_task(_first_notify(conn, timeout))
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait([waiter, stopper], return_when=asyncio.FIRST_COMPLETED)
                for task in (waiter, stopper):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            finally:
                await notify.unlisten(conn, notify.WAKE_CHANNEL)
                await conn.set_autocommit(False)

    async def _heartbeat_forever(self) -> None:
        interval = max(1.0, self.settings.lease_seconds / 3)
        while True:
            await asyncio.sleep(interval)
            await self.beat_once()

    async def beat_once(self) -> bool:
        """One heartbeat; a failure is logged (the next beat tries again: a lease lasts three
        intervals) and returns False."""
        try:
            await self._heartbeat()
        except Exception as exc:
            log.warning("heartbeat failed", extra={
                "worker_id": self.worker_id, "error": f"{type(exc).__name__}: {exc}",
                "chunks": len(self._running),
            })  # fmt: skip
            return False
        return True

    async def _heartbeat(self) -> None:
        held = {c.chunk_id: t for t, c in self._running.items()}
        await self.presence.beat(len(held))
        if not held:
            return
        async with self.pool.connection() as conn:
            kept = set(await heartbeat_sync_chunks(
                conn, self.worker_id, list(held), self.settings.lease_seconds, self.clock.db_now()
            ))  # fmt: skip
        # A chunk that ended while the heartbeat ran is not kept either: not a lost lease.
        missing = [i for i, task in held.items() if i not in kept and not task.done()]
        if not missing:
            return
        for chunk_id in await self.presence.lost(missing):
            held[chunk_id].cancel()

    async def _shutdown(self, stats: RunStats) -> None:
        """Cancel what is in flight and hand it back."""
        if not self._running:
            return
        ids = [c.chunk_id for c in self._running.values()]
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        for task in list(self._running):
            if not task.cancelled() and task.exception() is None:
                self._collect(task, stats)
        self._running.clear()
        try:
            async with self.pool.connection() as conn:
                released = await release_sync_chunks(conn, self.worker_id, ids, self.clock.db_now())
        except DB_DOWN as exc:  # their leases expire and another worker takes them
            log.warning("could not release chunks", extra={"error": type(exc).__name__})
            return
        log.info("released unfinished chunks", extra={"released": released})


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _first_notify(conn: Any, seconds: float) -> None:
    async for _ in conn.notifies(timeout=seconds, stop_after=1):
        return
