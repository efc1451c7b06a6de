"""``GET /healthz`` and ``GET /metrics`` of ``metasync serve``: what an operator's probes and
Prometheus read. Everything comes from the database at request time (the queue, the throttles,
the worker registry with each worker's counters), so one server sees every worker.

GET /healthz   200 {"status": "ok", ...} | 503 when the database does not answer (2 s) or no
               worker has sent a heartbeat within METASYNC_HEALTHZ_WORKER_STALE_SECONDS
GET /metrics   Prometheus text format (prometheus_client) | 503 when the database does not answer
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from metasync.db.ratelimit import RateLimitRow, get_rate_limit_state
from metasync.db.status import ping
from metasync.db.throttles import ThrottleBlock, get_throttle_blocks
from metasync.db.workers import QueueDepth, WorkerRow, get_queue_depth, list_sync_workers
from metasync.server.context import ServerContext
from metasync.server.database import RequestDatabaseUnavailable

log = logging.getLogger(__name__)


def routes() -> list[Route]:
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


def _live(workers: list[WorkerRow]) -> list[WorkerRow]:
    return [w for w in workers if w.stopped_at is None]


async def healthz(request: Request) -> Response:
    context: ServerContext = request.app.state.context
    stale_after = context.settings.healthz_worker_stale_seconds
    try:
        async with context.db.request() as conn:
            await ping(conn)
            workers = _live(await list_sync_workers(conn)) if stale_after else []
    except RequestDatabaseUnavailable as exc:
        log.warning("healthz: database unreachable", extra={"error": str(exc)})
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    if not stale_after:
        return JSONResponse(body)
    beating = [w for w in workers if w.seconds_since_heartbeat <= stale_after]
    freshest = min((float(w.seconds_since_heartbeat) for w in workers), default=None)
    body["workers"] = {
        "beating": len(beating),
        "stale_after_seconds": stale_after,
        "last_heartbeat_seconds_ago": freshest,
    }
    if not beating:
        body["status"] = "unhealthy"
        body["reason"] = f"no worker has sent a heartbeat within {stale_after} s"
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


@dataclass(frozen=True)
class Snapshot:
    """What one scrape read from the database."""

    now: datetime
    queue: list[QueueDepth]
    workers: list[WorkerRow]
    blocks: list[ThrottleBlock]
    usage: list[RateLimitRow]


async def metrics(request: Request) -> Response:
    context: ServerContext = request.app.state.context
    try:
        async with context.db.request() as conn:
            snapshot = Snapshot(
                datetime.now(UTC),
                await get_queue_depth(conn),
                await list_sync_workers(conn),
                await get_throttle_blocks(conn),
                await get_rate_limit_state(conn),
            )
    except RequestDatabaseUnavailable as exc:
        log.warning("metrics: database unreachable", extra={"error": str(exc)})
        return Response("database unreachable\n", status_code=503, media_type="text/plain")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class SnapshotCollector:
    """Turns one :class:`Snapshot` into metric families (prometheus_client custom collector)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.s = snapshot

    def collect(self) -> Iterator[Metric]:
        yield self._queue()
        yield from self._workers()
        yield from self._worker_counters()
        yield from self._throttles()

    def _queue(self) -> Metric:
        family = GaugeMetricFamily(
            "metasync_queue_chunks",
            "Unfinished chunks by job phase and state (ready, waiting, in_progress).",
            labels=["phase", "state"],
        )
        for row in self.s.queue:
            family.add_metric([row.sync_phase, row.state], row.chunks)
        return family

    def _workers(self) -> Iterator[Metric]:
        labels = ["worker", "host"]
        age = GaugeMetricFamily(
            "metasync_worker_heartbeat_age_seconds",
            "Seconds since the worker's last heartbeat.",
            labels=labels,
        )
        running = GaugeMetricFamily(
            "metasync_worker_chunks_running", "Chunks the worker reported running.", labels=labels
        )
        leased = GaugeMetricFamily(
            "metasync_worker_chunks_leased",
            "Chunks the worker holds a live lease on.",
            labels=labels,
        )
        for w in _live(self.s.workers):
            key = [w.worker_id, w.host]
            age.add_metric(key, float(w.seconds_since_heartbeat))
            running.add_metric(key, w.chunks_running)
            leased.add_metric(key, w.chunks_leased)
        yield from (age, running, leased)

    def _worker_counters(self) -> Iterator[Metric]:
        calls = CounterMetricFamily(
            "metasync_graph_calls",
            "Graph API calls by kind and error code (ok: no error).",
            labels=["worker", "kind", "error"],
        )
        chunks = CounterMetricFamily(
            "metasync_chunks",
            "Chunk outcomes (completed, retry, failed, split, released, lost, crashed).",
            labels=["worker", "outcome"],
        )
        rows = CounterMetricFamily(
            "metasync_rows_written", "Rows written by chunks.", labels=["worker"]
        )
        for w in _live(self.s.workers):
            counters = w.counters
            for key, n in dict(counters.get("graph_calls") or {}).items():
                kind, _, error = str(key).partition("|")
                calls.add_metric([w.worker_id, kind, error], float(n))
            for outcome, n in dict(counters.get("chunks") or {}).items():
                chunks.add_metric([w.worker_id, str(outcome)], float(n))
            rows.add_metric([w.worker_id], float(counters.get("rows_written") or 0))
        yield from (calls, chunks, rows)

    def _throttles(self) -> Iterator[Metric]:
        labels = ["scope_type", "scope_id", "usage_type"]
        blocked = GaugeMetricFamily(
            "metasync_throttle_blocked_seconds",
            "Seconds left of a "
            "stop Meta imposed on a scope (app, business use case, ad "
            "account usage).",
            labels=labels,
        )
        backing_off = GaugeMetricFamily(
            "metasync_accounts_backing_off", "Ad accounts waiting out a throttle backoff."
        )
        usage = GaugeMetricFamily(
            "metasync_rate_limit_usage_percent",
            "Latest usage Meta reported per scope (highest of its percentages).",
            labels=labels,
        )
        accounts = 0
        for b in self.s.blocks:
            if b.scope_type == "account_backoff":
                accounts += 1
                continue
            left = max(0.0, (b.blocked_until - self.s.now).total_seconds())
            blocked.add_metric([b.scope_type, b.scope_id, b.usage_type], left)
        backing_off.add_metric([], accounts)
        for r in self.s.usage:
            pcts = [p for p in (r.call_count_pct, r.total_cputime_pct, r.total_time_pct) if p]
            usage.add_metric([r.scope_type, r.scope_id, r.usage_type], max(pcts, default=0.0))
        yield from (blocked, backing_off, usage)
