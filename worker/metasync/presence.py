"""A worker's presence in the database: it registers at start, beats (with its counters) while
it lives, signs off on a clean stop; and the log lines an operator reads: the start line, one
line per finished job, lost leases told from chunks that simply finished."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from metasync import __version__
from metasync.clock import Clock
from metasync.db.workers import (
    beat_sync_worker,
    chunk_states,
    jobs_finished_by,
    register_sync_worker,
    stop_sync_worker,
)
from metasync.metrics import WorkerCounters

log = logging.getLogger("metasync.worker")
FINAL_CHUNK = frozenset({"completed", "failed", "split"})


def new_worker_id() -> str:
    """``host:pid:random``: unique per process, even for two processes of one host and pid
    namespace (containers) started from the same image."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"


def database_host(conninfo: object) -> str:
    """The host (and port) a connection string points at, without credentials."""
    if not isinstance(conninfo, str):
        return "?"
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "?"
    host = str(params.get("host") or params.get("hostaddr") or "local socket")
    return f"{host}:{params['port']}" if params.get("port") else host


@dataclass
class Presence:
    pool: AsyncConnectionPool[Any]
    worker_id: str
    concurrency: int
    counters: WorkerCounters
    clock: Clock

    def log_start(self, graph_url: str, per_account: int, per_account_history: int) -> None:
        log.info("worker started", extra={
            "worker_id": self.worker_id, "database": database_host(self.pool.conninfo),
            "graph_url": graph_url, "concurrency": self.concurrency, "per_account": per_account,
            "per_account_history": per_account_history,
        })  # fmt: skip

    async def register(self) -> None:
        async with self.pool.connection() as conn:
            host, pid, now = socket.gethostname(), os.getpid(), self.clock.db_now()
            await register_sync_worker(
                conn, self.worker_id, host, pid, self.concurrency, __version__, now
            )

    async def beat(self, chunks_running: int) -> None:
        """Heartbeat with the counters; registers again when the row is gone."""
        async with self.pool.connection() as conn:
            known = await beat_sync_worker(
                conn, self.worker_id, chunks_running, self.counters.as_json(), self.clock.db_now()
            )
        if not known:
            await self.register()

    async def stop(self) -> None:
        """The last counters, then sign off."""
        try:
            async with self.pool.connection() as conn:
                now = self.clock.db_now()
                await beat_sync_worker(conn, self.worker_id, 0, self.counters.as_json(), now)
                await stop_sync_worker(conn, self.worker_id, now)
        except Exception as exc:  # the row goes stale instead: /healthz sees no heartbeat
            log.warning("could not sign off", extra={"error": f"{type(exc).__name__}: {exc}"})

    async def lost(self, chunk_ids: Sequence[int]) -> set[int]:
        """Of chunks the heartbeat did not keep, those really lost (not finished here)."""
        async with self.pool.connection() as conn:
            states = await chunk_states(conn, chunk_ids)
        lost = set()
        for chunk_id in chunk_ids:
            status, holder = states.get(chunk_id, ("gone", None))
            if status in FINAL_CHUNK:
                continue  # it completed (or failed, or split) while the heartbeat ran
            if status == "cancelled":
                log.info("chunk cancelled, stopping it", extra={"chunk_id": chunk_id})
            else:
                fields = {"chunk_id": chunk_id, "status": status, "holder": holder}
                log.warning("lease lost, cancelling", extra=fields)
            lost.add(chunk_id)
        return lost

    async def report_finished_jobs(self, chunk_ids: Sequence[int]) -> None:
        """One log line per job one of these chunks finished."""
        if not chunk_ids:
            return
        try:
            async with self.pool.connection() as conn:
                jobs = await jobs_finished_by(conn, chunk_ids)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            log.warning("could not read finished jobs", extra={"error": type(exc).__name__})
            return
        for job in jobs:
            log.info("job finished", extra={
                "job_id": job.job_id, "account_id": job.account_id, "sync_phase": job.sync_phase,
                "status": job.status, "chunks": job.total_chunks, "failed": job.failed_chunks,
                "rows": job.rows_written, "api_calls": job.api_calls,
                "seconds": float(job.seconds) if job.seconds is not None else None,
            })  # fmt: skip
