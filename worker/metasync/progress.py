"""Job progress as rich progress bars: one bar per job (account, phase, %, chunks, ETA,
entities, rows), fed by notification payloads or rows of ``meta_sync.sync_job_progress``.
Shared by ``metasync watch`` (:mod:`metasync.watch`) and ``metasync demo``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from metasync.clock import SYSTEM_CLOCK

FINAL = frozenset({"completed", "completed_with_errors", "failed", "cancelled"})
ENTITY_KEYS = ("campaigns_synced", "adsets_synced", "ads_synced", "creatives_synced")
PHASES = {
    "recent_window": "phase 1",
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
    waiting: str | None = None  # why nothing of the job runs now (sync_job_progress)
    waiting_until: datetime | None = None  # None with a reason: until someone acts
    waiting_hint: str | None = None

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def blocked(self) -> bool:
        """Open, and it cannot progress until someone acts (paused, no usable connection)."""
        return not self.final and self.waiting is not None and self.waiting_until is None

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
        if "waiting_reason" in data:
            self.waiting = get("waiting_reason")
            self.waiting_until = _time(get("waiting_until"))
            self.waiting_hint = get("waiting_hint")
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
    seconds = max(0, int((job.eta - (now or SYSTEM_CLOCK.now())).total_seconds()))
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
        stamp = f"[dim]{SYSTEM_CLOCK.now():%H:%M:%S}[/dim]"
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
            "entities": f"waits: {job.waiting}" if job.waiting else entities_text(job),
            "rows": f"{job.rows:,}",
        }
        task = self._tasks.get(job.job_id)
        if task is None:
            task = self.progress.add_task("", total=100, **fields)
            self._tasks[job.job_id] = task
        self.progress.update(task, completed=100 if job.final else job.percent, **fields)
