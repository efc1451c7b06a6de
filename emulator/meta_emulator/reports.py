"""Async insights report runs: created by POST .../insights, progressing with time."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from meta_emulator.query import Query


@dataclass
class ReportRun:
    id: str
    account_id: str
    scope_kind: str
    scope_id: str
    query: Query
    params: dict[str, str]
    created: float  # emulator clock
    created_wall: float
    fate: str  # completed | failed | skipped
    fail_at: int  # percent at which a doomed run gives up
    polls: int = 0
    races: bool = False  # whether the first polls answer 100/33 (the creation race)


def progress(run: ReportRun, now: float, duration: float) -> int:
    """Percent done: the larger of emulator-clock and wall-clock progress."""
    if duration <= 0:
        return 100
    elapsed = max(now - run.created, time.monotonic() - run.created_wall)
    return max(0, min(100, int(100 * elapsed / duration)))


def status(run: ReportRun, now: float, duration: float) -> tuple[str, int]:
    pct = progress(run, now, duration)
    if run.fate != "completed" and pct >= run.fail_at:
        return ("Job Failed" if run.fate == "failed" else "Job Skipped"), run.fail_at
    if pct >= 100:
        return "Job Completed", 100
    if pct == 0:
        return "Job Not Started", 0
    return ("Job Started" if pct < 10 else "Job Running"), pct


def describe(run: ReportRun, now: float, duration: float, when: Any) -> dict[str, Any]:
    """The run node as GET /<report_run_id> prints it."""
    state, pct = status(run, now, duration)
    out: dict[str, Any] = {
        "id": run.id,
        "account_id": run.account_id,
        "time_ref": int(run.created),
        "async_status": state,
        "async_percent_completion": pct,
        "date_start": run.query.since.isoformat(),
        "date_stop": run.query.until.isoformat(),
        "emails": [],
        "friendly_name": "",
        "is_bookmarked": False,
        "is_running": state in ("Job Not Started", "Job Started", "Job Running"),
        "schedule_id": "0",
    }
    if state == "Job Completed":
        out["time_completed"] = int(run.created + duration)
    if state == "Job Failed":
        out["error_code"] = 2601
        out["error_message"] = "The report could not be generated. Please retry."
    return out
