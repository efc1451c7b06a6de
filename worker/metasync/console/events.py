"""Live job events: ONE ``LISTEN meta_sync_progress`` per server process, fanned out.

The hub owns one database connection that listens; each notification is completed once (entity
counts, running chunks, last error: one query on the pool) and handed to every subscribed
stream whose filter wants it (the organisations its viewer may read, and optionally one
account). Browsers never get a database connection of their own.

Every event has an id ``<epoch>-<seq>``: the epoch is new per process, seq counts up. The last
``BUFFER`` events are kept, so a stream that reconnects with ``Last-Event-ID`` gets what it
missed. When that is impossible (another process, an id older than the buffer, a gap while the
LISTEN connection was down, a subscriber that fell behind) the stream is told to ``resync``:
the page reads its state again, so the final state is never missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from metasync.db import notify

log = logging.getLogger(__name__)
BUFFER = 5000
QUEUE = 1000
RECHECK_SECONDS = 60.0  # a user's organisations are asked again this often
SWEEP_SECONDS = 5.0  # expired tokens end their streams within this

Enrich = Callable[[list[int]], Awaitable[dict[int, dict[str, Any]]]]


@dataclass(frozen=True)
class Event:
    seq: int
    organization_id: str
    account_id: str
    data: dict[str, Any]
    wire: bytes  # the SSE frame, encoded once for every stream


def frame(event_id: str, name: str, data: str) -> bytes:
    """One Server-Sent Events frame (``data`` is one line of JSON)."""
    return f"id: {event_id}\r\nevent: {name}\r\ndata: {data}\r\n\r\n".encode()


@dataclass(frozen=True)
class Filter:
    """Which events a stream wants: organisations (None = all, the operator), one account."""

    organizations: frozenset[str] | None
    account_id: str | None = None

    def wants(self, event: Event) -> bool:
        if self.organizations is not None and event.organization_id not in self.organizations:
            return False
        return self.account_id is None or event.account_id == self.account_id


RESYNC, END = "resync", "end"  # markers in a subscription's queue
Refresh = Callable[[], Awaitable[frozenset[str] | None]]


@dataclass(eq=False)
class Subscription:
    filter: Filter
    refresh: Refresh | None = None  # asks again which organisations the viewer may read
    expires: float | None = None  # the viewer's token expiry (epoch seconds): the stream ends
    queue: asyncio.Queue[Event | str] = field(default_factory=lambda: asyncio.Queue(QUEUE))
    behind: bool = False  # events were dropped: the stream must resync
    refresh_at: float = field(default_factory=lambda: time.monotonic() + RECHECK_SECONDS)

    def offer(self, item: Event | str) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.behind = True


class Hub:
    def __init__(self, conninfo: str, enrich: Enrich, *, retry_seconds: float = 1.0) -> None:
        self.conninfo = conninfo
        self.enrich = enrich
        self.retry_seconds = retry_seconds
        self.epoch = secrets.token_hex(4)
        self.seq = 0
        self.gap_seq = 0  # events up to here cannot be resumed past (LISTEN was down)
        self.reconnects = 0
        self.buffer: deque[Event] = deque(maxlen=BUFFER)
        self.subscribers: set[Subscription] = set()
        self.listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="console-listen")
            self._sweeper = asyncio.create_task(self._sweep(), name="console-sweep")

    async def stop(self) -> None:
        for task in (self._task, self._sweeper):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._sweeper = None

    async def _sweep(self) -> None:
        """Ends the streams of expired tokens; asks again what each user may read (one task for
        every stream, so a waiting stream costs nothing but its queue)."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            for sub in list(self.subscribers):
                await self._check(sub)

    async def _check(self, sub: Subscription) -> None:
        if sub.expires is not None and time.time() >= sub.expires:
            sub.offer(END)
        elif sub.refresh is not None and time.monotonic() >= sub.refresh_at:
            sub.refresh_at = time.monotonic() + RECHECK_SECONDS
            try:
                sub.filter = Filter(await sub.refresh(), sub.filter.account_id)
            except Exception:
                sub.offer(END)  # the browser reconnects and is asked again

    async def _run(self) -> None:
        inbox: asyncio.Queue[tuple[float, str]] = asyncio.Queue()
        publisher = asyncio.create_task(self._publish_from(inbox), name="console-publish")
        first = True
        try:
            while True:
                try:
                    conn = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
                    async with conn:
                        await notify.listen(conn, notify.PROGRESS_CHANNEL)
                        if not first:
                            self._mark_gap()
                        first = False
                        self.listening.set()
                        async for note in conn.notifies():
                            inbox.put_nowait((time.time(), note.payload))
                except Exception as exc:
                    self.listening.clear()
                    log.warning("console LISTEN connection lost", extra={"error": str(exc)})
                    await asyncio.sleep(self.retry_seconds)
        finally:
            publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await publisher

    # --- publishing ---------------------------------------------------------------------------
    @property
    def last_id(self) -> str:
        return f"{self.epoch}-{self.seq}"

    async def _publish_from(self, inbox: asyncio.Queue[tuple[float, str]]) -> None:
        """Publish in arrival order; what arrived meanwhile is completed with one query."""
        while True:
            batch = [await inbox.get()]
            while not inbox.empty():
                batch.append(inbox.get_nowait())
            notes: list[tuple[float, dict[str, Any]]] = []
            for received, payload in batch:
                try:
                    notes.append((received, json.loads(payload)))
                except ValueError:
                    log.warning("console: a progress notification is not JSON")
            try:
                details = await self.enrich(sorted({int(d["job_id"]) for _, d in notes}))
            except Exception:
                log.exception("console: job details could not be read")
                details = {}
            for received, data in notes:
                self._publish(data | details.get(int(data["job_id"]), {}), received)

    def _publish(self, data: dict[str, Any], received: float) -> None:
        data["received_at"] = received
        self.seq += 1
        wire = frame(f"{self.epoch}-{self.seq}", "job", json.dumps(data, default=str))
        org, account = str(data.get("organization_id")), str(data.get("account_id"))
        event = Event(self.seq, org, account, data, wire)
        self.buffer.append(event)
        for sub in list(self.subscribers):
            if sub.filter.wants(event):
                sub.offer(event)

    def _mark_gap(self) -> None:
        """Notifications sent while LISTEN was down are lost: every stream resyncs."""
        self.gap_seq = self.seq
        self.reconnects += 1
        for sub in self.subscribers:
            sub.offer(RESYNC)

    # --- subscribing --------------------------------------------------------------------------
    def subscribe(
        self, wanted: Filter, refresh: Refresh | None = None, expires: float | None = None
    ) -> Subscription:
        sub = Subscription(wanted, refresh, expires)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self.subscribers.discard(sub)

    def missed(self, last_event_id: str, wanted: Filter) -> list[Event] | None:
        """Events after ``last_event_id`` that the filter wants; None when they are not known."""
        epoch, _, seq_text = last_event_id.partition("-")
        if epoch != self.epoch or not seq_text.isdigit():
            return None
        after = int(seq_text)
        oldest = self.buffer[0].seq if self.buffer else self.seq + 1
        if after < self.gap_seq or after > self.seq or (after + 1 < oldest):
            return None
        return [e for e in self.buffer if e.seq > after and wanted.wants(e)]
