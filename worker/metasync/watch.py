"""Live job progress: LISTEN ``meta_sync_progress``, render rich progress bars, stop when final.

The initial state comes from the view ``meta_sync.sync_job_progress`` (LISTEN is issued first,
so nothing published in between is lost); every notification then updates its job's bar. The
payload carries the job's status, percentage, chunk counts, rows, calls and ETA; entity counts
and why a job waits are read from the view when a job's notification arrives, and every few
seconds for the open jobs (a paused account sends no notification). Watching ends when every
job is final or blocked (it waits until someone acts: account paused, no usable connection).
The bars are :class:`metasync.progress.ProgressBoard`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from metasync.clock import SYSTEM_CLOCK, Clock
from metasync.db import accounts, notify, status
from metasync.progress import JobState, ProgressBoard, job_id_of

REREAD_SECONDS = 5.0  # open jobs are read again this often: why they wait changes silently


@dataclass(frozen=True)
class JobSelection:
    """Which jobs to watch: given ids, else every open job (of some organisations)."""

    job_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[UUID] | None = None

    def wants(self, job: JobState) -> bool:
        if self.job_ids:
            return job.job_id in self.job_ids
        if self.organization_ids is None:
            return True
        return job.organization_id is not None and UUID(job.organization_id) in (
            self.organization_ids
        )


async def organization_ids(conn: psycopg.AsyncConnection[Any], name: str) -> frozenset[UUID]:
    return await accounts.organizations_named(conn, name)


async def load_jobs(
    conn: psycopg.AsyncConnection[Any], selection: JobSelection, *, open_only: bool
) -> list[dict[str, Any]]:
    """The selected rows of ``sync_job_progress`` (ids given: those; else open jobs)."""
    return await status.job_progress(
        conn,
        job_ids=selection.job_ids,
        organization_ids=selection.organization_ids,
        open_only=open_only,
    )


def done(board: ProgressBoard, selection: JobSelection) -> bool:
    """Nothing watched can progress: every job is final or blocked (waits until someone acts:
    account paused, no usable connection); with given ids, every one of them has been seen."""
    watched = [j for j in board.jobs.values() if selection.wants(j)]
    if selection.job_ids and {j.job_id for j in watched} != selection.job_ids:
        return False
    return bool(watched) and all(j.final or j.blocked for j in watched)


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait before reconnect attempt ``n`` (1, 2, ...): doubling, capped."""

    first: float = 0.5
    cap: float = 10.0

    def delay(self, attempt: int) -> float:
        return float(min(self.cap, self.first * 2 ** (attempt - 1)))


async def watch_jobs(
    url: str,
    board: ProgressBoard,
    selection: JobSelection,
    *,
    stop: asyncio.Event | None = None,
    poll_seconds: float = 1.0,
    backoff: Backoff = Backoff(),
) -> dict[int, JobState]:
    """Render until every selected job is final (or ``stop`` is set); the final states.

    A connection lost once watching has begun (Postgres restarted, backend terminated) is opened
    again with ``backoff`` until it succeeds; the jobs are then read again from the view, so
    what changed meanwhile (notifications are not replayed) shows up. Failing to connect at the
    very start is an error."""
    link, attempt = _Link(), 0
    while True:
        try:
            return await _watch_session(url, board, selection, stop, poll_seconds, link)
        except psycopg.OperationalError as exc:
            if not link.ever:
                raise
            attempt = 1 if link.up else attempt + 1
            link.up = False
            delay = backoff.delay(attempt)
            board.note(f"database connection lost ({_first_line(exc)}); retrying in {delay:.1f} s")
            if await _stopped(stop, delay):
                return _selected(board, selection)


@dataclass
class _Link:
    up: bool = False  # the current session is connected and loaded
    ever: bool = False  # some session got that far: losing it later is retried


async def _watch_session(
    url: str,
    board: ProgressBoard,
    selection: JobSelection,
    stop: asyncio.Event | None,
    poll_seconds: float,
    link: _Link,
) -> dict[int, JobState]:
    """One pair of connections: LISTEN, (re)load the state, apply notifications until done."""
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=10)
    async with conn:
        await notify.listen(conn, notify.PROGRESS_CHANNEL)
        _apply_rows(board, selection, await load_jobs(conn, selection, open_only=True))
        seen = frozenset(board.jobs) | selection.job_ids
        if link.ever and seen:  # what changed while disconnected: notifications are not replayed
            rows = await load_jobs(
                conn, JobSelection(seen, selection.organization_ids), open_only=False
            )
            _apply_rows(board, selection, rows)
        if link.ever:
            board.note("reconnected to the database")
        link.up = link.ever = True
        if not selection.job_ids and not board.jobs:
            return {}  # nothing open to watch
        reader = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=10)
        async with reader:
            reread = time.monotonic() + REREAD_SECONDS
            while not done(board, selection) and not (stop is not None and stop.is_set()):
                changed = await _drain(conn, board, selection, poll_seconds)
                if time.monotonic() >= reread:  # a pause or a lost token sends no notification
                    changed |= {j.job_id for j in board.jobs.values() if not j.final}
                    reread = time.monotonic() + REREAD_SECONDS
                if changed:
                    rows = await load_jobs(
                        reader, JobSelection(frozenset(changed)), open_only=False
                    )
                    _apply_rows(board, selection, rows)
                board.refresh()
    return _selected(board, selection)


def _selected(board: ProgressBoard, selection: JobSelection) -> dict[int, JobState]:
    return {k: v for k, v in board.jobs.items() if selection.wants(v)}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _stopped(stop: asyncio.Event | None, seconds: float, clock: Clock = SYSTEM_CLOCK) -> bool:
    """Sleep ``seconds``, or less when ``stop`` is set meanwhile; whether it is set."""
    if stop is None:
        await clock.sleep(seconds)
        return False
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


def _apply_rows(
    board: ProgressBoard, selection: JobSelection, rows: Iterable[Mapping[str, Any]]
) -> None:
    for row in rows:
        job_id = job_id_of(row)
        if job_id is not None and selection.wants(JobState(job_id).merge(row)):
            board.apply(row)


async def _drain(
    conn: psycopg.AsyncConnection[Any], board: ProgressBoard, selection: JobSelection, wait: float
) -> set[int]:
    """Apply the notifications that arrive within ``wait`` seconds; the ids of the selected jobs."""
    changed: set[int] = set()
    async for note in conn.notifies(timeout=wait, stop_after=500):
        try:
            payload = json.loads(note.payload)
        except ValueError:
            continue
        job_id = job_id_of(payload)
        if job_id is None or not selection.wants(JobState(job_id).merge(payload)):
            continue
        board.apply(payload)
        changed.add(job_id)
    return changed
