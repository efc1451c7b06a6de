"""Live job progress: LISTEN ``meta_sync_progress``, render rich progress bars, stop when final.

The initial state comes from the view ``meta_sync.sync_job_progress`` (LISTEN is issued first,
so nothing published in between is lost); every notification then updates its job's bar. The
payload carries the job's status, percentage, chunk counts, rows, calls and ETA; entity counts
are read from the view when a job's notification arrives. :class:`ProgressBoard` is shared by
``metasync watch`` and ``metasync demo``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

CHANNEL = "meta_sync_progress"
FINAL = frozenset({"completed", "completed_with_errors", "failed", "cancelled"})
ENTITY_KEYS = ("campaigns_synced", "adsets_synced", "ads_synced", "creatives_synced")
PHASES = {
    "recent_90_days": "phase 1",
    "historical_backfill": "phase 2",
    "incremental": "increm.",
    "settle": "settle",
    "manual": "manual",
    "webhook": "webhook",
}


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass
class JobState:
    job_id: int
    account_id: str = "?"
    organization_id: str | None = None
    phase: str = "?"
    status: str = "pending"
    percent: float = 0.0
    completed: int = 0
    failed: int = 0
    total: int = 0
    rows: int = 0
    api_calls: int = 0
    eta: datetime | None = None
    entities: dict[str, int] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def merge(self, data: Mapping[str, Any]) -> JobState:
        """Apply a notification payload or a view row (missing keys leave values unchanged)."""
        get = data.get
        self.account_id = str(get("account_id", self.account_id))
        org = get("organization_id", self.organization_id)
        self.organization_id = str(org) if org is not None else None
        self.phase = str(get("sync_phase", self.phase))
        self.status = str(get("status", self.status))
        if "progress_percentage" in data:
            self.percent = float(get("progress_percentage") or 0)
        self.completed = _int(get("completed_chunks", self.completed))
        self.failed = _int(get("failed_chunks", self.failed))
        self.total = _int(get("total_chunks", self.total))
        self.rows = _int(get("insight_rows_written", self.rows))
        self.api_calls = _int(get("api_calls", self.api_calls))
        if "estimated_completion_at" in data:
            self.eta = _time(get("estimated_completion_at"))
        for key in ENTITY_KEYS:
            if key in data:
                self.entities[key.removesuffix("_synced")] = _int(data[key])
        return self


def job_id_of(data: Mapping[str, Any]) -> int | None:
    value = data.get("job_id", data.get("id"))
    return int(value) if value is not None else None


def eta_text(job: JobState, now: datetime | None = None) -> str:
    """``done`` / ``failed`` ... when final, else the time left (``1m05s``, ``40s``, ``-``)."""
    if job.final:
        return {"completed": "done", "completed_with_errors": "errors"}.get(job.status, job.status)
    if job.eta is None:
        return "-"
    seconds = max(0, int((job.eta - (now or datetime.now(UTC))).total_seconds()))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def entities_text(job: JobState) -> str:
    e = job.entities
    if not e:
        return ""
    return f"{e.get('campaigns', 0)}c {e.get('adsets', 0)}s {e.get('ads', 0)}a"


class ProgressBoard:
    """One rich progress bar per job: account, phase, %, chunks, ETA, entities, rows."""

    def __init__(self, console: Console | None = None, *, transient: bool = False) -> None:
        self.jobs: dict[int, JobState] = {}
        self.progress = Progress(
            TextColumn("[bold]{task.fields[account]}[/bold] {task.fields[phase]:<7}"),
            BarColumn(bar_width=12),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[chunks]:>7}"),
            TextColumn("{task.fields[eta]:>6}"),
            TextColumn("{task.fields[entities]:<14}"),
            TextColumn("{task.fields[rows]:>7} rows"),
            console=console,
            transient=transient,
            refresh_per_second=4,
        )
        self._tasks: dict[int, TaskID] = {}

    def note(self, message: str) -> None:
        """A line above the bars (connection lost, reconnected)."""
        stamp = f"[dim]{datetime.now(UTC):%H:%M:%S}[/dim]"
        self.progress.console.print(f"{stamp} {message}", soft_wrap=True)

    def __enter__(self) -> ProgressBoard:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.refresh()
        self.progress.stop()

    def apply(self, data: Mapping[str, Any]) -> JobState | None:
        job_id = job_id_of(data)
        if job_id is None:
            return None
        job = self.jobs.setdefault(job_id, JobState(job_id)).merge(data)
        self._render(job)
        return job

    def refresh(self) -> None:
        for job in self.jobs.values():
            self._render(job)

    def _render(self, job: JobState) -> None:
        fields: dict[str, Any] = {
            "account": job.account_id,
            "phase": PHASES.get(job.phase, job.phase),
            "chunks": f"{job.completed + job.failed}/{job.total}",
            "eta": eta_text(job),
            "entities": entities_text(job),
            "rows": f"{job.rows:,}",
        }
        task = self._tasks.get(job.job_id)
        if task is None:
            task = self.progress.add_task("", total=100, **fields)
            self._tasks[job.job_id] = task
        self.progress.update(task, completed=100 if job.final else job.percent, **fields)


@dataclass(frozen=True)
class Scope:
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
    cur = await conn.execute("select id from meta_sync.organizations where name = %s", (name,))
    return frozenset(UUID(str(row[0])) for row in await cur.fetchall())


async def load_jobs(
    conn: psycopg.AsyncConnection[Any], scope: Scope, *, open_only: bool
) -> list[dict[str, Any]]:
    """Rows of ``sync_job_progress`` in scope (ids given: those; else open jobs)."""
    where: list[str] = ["true"]
    args: list[Any] = []
    if scope.job_ids:
        where.append("job_id = any(%s)")
        args.append(sorted(scope.job_ids))
    elif open_only:
        where.append("status in ('pending', 'in_progress')")
    if scope.organization_ids is not None:
        where.append("organization_id = any(%s)")
        args.append(sorted(scope.organization_ids))
    query = f"select * from meta_sync.sync_job_progress where {' and '.join(where)} order by job_id"
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, args)
        return await cur.fetchall()


def done(board: ProgressBoard, scope: Scope) -> bool:
    """Every watched job is final (and, with given ids, every one of them has been seen)."""
    watched = [j for j in board.jobs.values() if scope.wants(j)]
    if scope.job_ids and {j.job_id for j in watched} != scope.job_ids:
        return False
    return bool(watched) and all(j.final for j in watched)


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
    scope: Scope,
    *,
    stop: asyncio.Event | None = None,
    poll_seconds: float = 1.0,
    backoff: Backoff = Backoff(),
) -> dict[int, JobState]:
    """Render until every job in scope is final (or ``stop`` is set); the final states.

    A connection lost once watching has begun (Postgres restarted, backend terminated) is opened
    again with ``backoff`` until it succeeds; the jobs are then read again from the view, so
    what changed meanwhile (notifications are not replayed) shows up. Failing to connect at the
    very start is an error."""
    link, attempt = _Link(), 0
    while True:
        try:
            return await _watch_session(url, board, scope, stop, poll_seconds, link)
        except psycopg.OperationalError as exc:
            if not link.ever:
                raise
            attempt = 1 if link.up else attempt + 1
            link.up = False
            delay = backoff.delay(attempt)
            board.note(f"database connection lost ({_first_line(exc)}); retrying in {delay:.1f} s")
            if await _stopped(stop, delay):
                return _in_scope(board, scope)


@dataclass
class _Link:
    up: bool = False  # the current session is connected and loaded
    ever: bool = False  # some session got that far: losing it later is retried


async def _watch_session(
    url: str,
    board: ProgressBoard,
    scope: Scope,
    stop: asyncio.Event | None,
    poll_seconds: float,
    link: _Link,
) -> dict[int, JobState]:
    """One pair of connections: LISTEN, (re)load the state, apply notifications until done."""
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=10)
    async with conn:
        await conn.execute(f"listen {CHANNEL}")
        _apply_rows(board, scope, await load_jobs(conn, scope, open_only=True))
        seen = frozenset(board.jobs) | scope.job_ids
        if link.ever and seen:  # what changed while disconnected: notifications are not replayed
            rows = await load_jobs(conn, Scope(seen, scope.organization_ids), open_only=False)
            _apply_rows(board, scope, rows)
        if link.ever:
            board.note("reconnected to the database")
        link.up = link.ever = True
        if not scope.job_ids and not board.jobs:
            return {}  # nothing open to watch
        reader = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=10)
        async with reader:
            while not done(board, scope) and not (stop is not None and stop.is_set()):
                changed = await _drain(conn, board, scope, poll_seconds)
                if changed:
                    rows = await load_jobs(reader, Scope(frozenset(changed)), open_only=False)
                    _apply_rows(board, scope, rows)
                board.refresh()
    return _in_scope(board, scope)


def _in_scope(board: ProgressBoard, scope: Scope) -> dict[int, JobState]:
    return {k: v for k, v in board.jobs.items() if scope.wants(v)}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _stopped(stop: asyncio.Event | None, seconds: float) -> bool:
    """Sleep ``seconds``, or less when ``stop`` is set meanwhile; whether it is set."""
    if stop is None:
        await asyncio.sleep(seconds)
        return False
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


def _apply_rows(board: ProgressBoard, scope: Scope, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        job_id = job_id_of(row)
        if job_id is not None and scope.wants(JobState(job_id).merge(row)):
            board.apply(row)


async def _drain(
    conn: psycopg.AsyncConnection[Any], board: ProgressBoard, scope: Scope, wait: float
) -> set[int]:
    """Apply the notifications that arrive within ``wait`` seconds; the ids of jobs in scope."""
    changed: set[int] = set()
    async for note in conn.notifies(timeout=wait, stop_after=500):
        try:
            payload = json.loads(note.payload)
        except ValueError:
            continue
        job_id = job_id_of(payload)
        if job_id is None or not scope.wants(JobState(job_id).merge(payload)):
            continue
        board.apply(payload)
        changed.add(job_id)
    return changed
