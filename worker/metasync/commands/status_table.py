"""The ``metasync status`` table: the account id is never cut; the other columns are shown by
priority as long as the table fits the terminal (80 columns when it is not one), and dropped
otherwise. ``--wide`` shows every column of the view (wrapped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.table import Table

from metasync.commands.common import duration, plain, when


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    priority: int  # lower is kept first when the width is short


def _job(row: Mapping[str, Any]) -> str:
    """The running (else next) job as ``phase 1 45 %``."""
    phase = row.get("running_job_phase")
    if phase is None:
        return "-"
    name = {"recent_window": "phase 1", "historical_backfill": "phase 2"}.get(phase, phase)
    percent = row.get("running_job_progress_percentage")
    return f"{name} {percent:.0f} %" if percent is not None else name


def _next_in(row: Mapping[str, Any]) -> str:
    minutes = row.get("minutes_until_next_sync")
    if minutes is None:
        return "-"
    return "due" if minutes <= 0 else duration(float(minutes) * 60)


def compact_cell(key: str, row: Mapping[str, Any]) -> str:
    if key == "job":
        return _job(row)
    if key == "next_in":
        return _next_in(row)
    if key == "last_meta_sync_at":
        return when(row.get(key), short=True)
    if key == "waiting_reason" and row.get("waiting_until") is not None:
        return f"{row[key]} until {when(row['waiting_until'], short=True)}"
    return plain(row.get(key))


# Display order; priority decides what stays on a narrow terminal.
COMPACT = (
    Column("account_id", "account", 0), Column("tier", "tier", 2),
    Column("last_meta_sync_at", "last sync UTC", 4), Column("next_in", "next in", 5),
    Column("sync_error_count", "err", 6), Column("connection_status", "token", 7),
    Column("insights_fresh_through", "fresh through", 8), Column("job", "job", 1),
    Column("waiting_reason", "waiting", 3),
)  # fmt: skip
WIDE = {
    "organization_name": "org", "account_id": "account", "account_name": "name",
    "tier": "tier", "paused": "paused", "last_meta_sync_at": "last sync",
    "minutes_until_next_sync": "next in (min)", "is_due": "due",
    "sync_error_count": "errors", "last_sync_error": "last error",
    "rate_limit_backoff_until": "backoff until", "connection_status": "connection",
    "insights_fresh_through": "fresh through", "phase_1_completed_at": "phase 1",
    "phase_2_completed_at": "phase 2", "onboarding_retry_at": "onboarding retry",
    "running_job_phase": "job", "running_job_progress_percentage": "progress %",
    "running_job_eta": "ETA", "waiting_reason": "waiting", "waiting_until": "waiting until",
}  # fmt: skip


def fit_columns(
    rows: Sequence[Mapping[str, Any]], width: int, columns: Sequence[Column] = COMPACT
) -> list[Column]:
    """The columns that fit ``width`` (one space between columns), by priority, in display order."""
    needed = {
        c.key: max([len(c.header), *(len(compact_cell(c.key, r)) for r in rows)]) for c in columns
    }
    kept: set[str] = set()
    used = -1
    for column in sorted(columns, key=lambda c: c.priority):
        if column.priority == 0 or used + 1 + needed[column.key] <= width:
            kept.add(column.key)
            used += 1 + needed[column.key]
    return [c for c in columns if c.key in kept]


def status_table(
    rows: Sequence[Mapping[str, Any]], *, width: int = 80, wide: bool = False
) -> Table:
    if wide:
        table = Table(title="meta_sync_status", box=box.SIMPLE_HEAD, pad_edge=False,
                      padding=(0, 1))  # fmt: skip
        for key, header in WIDE.items():
            table.add_column(header, no_wrap=key == "account_id", overflow="fold")
        for row in rows:
            table.add_row(*(plain(row.get(key)) for key in WIDE))
        return table
    columns = fit_columns(rows, width)
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), collapse_padding=True)
    for column in columns:
        table.add_column(column.header, no_wrap=True)
    for row in rows:
        table.add_row(*(compact_cell(c.key, row) for c in columns))
    return table
