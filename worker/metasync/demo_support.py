"""Demo output: phase times and the status view (meta_emulator.serving serves the emulator)."""

from __future__ import annotations

from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from metasync.commands.admin import fetch_status
from metasync.commands.status_table import status_table
from metasync.db import status

PHASE_TITLES = {
    "recent_window": "phase 1 ({days} days)",  # days: sync_planner_settings.phase_1_days
    "historical_backfill": "phase 2 (history)",
}


async def phase_times(conn: psycopg.AsyncConnection[Any]) -> list[dict[str, Any]]:
    """Per phase: jobs, wall seconds (first start to last completion), rows, calls."""
    return await status.phase_totals(conn)


async def print_phase_times(conn: psycopg.AsyncConnection[Any], console: Console) -> None:
    table = Table(title="sync jobs by phase")
    for name in ("phase", "jobs", "not completed", "wall s", "insight rows", "calls"):
        table.add_column(name, justify="left" if name == "phase" else "right")
    days = await status.phase_1_days(conn)
    for row in await phase_times(conn):
        seconds = row["seconds"]
        table.add_row(
            PHASE_TITLES.get(row["phase"], row["phase"]).format(days=days), str(row["jobs"]),
            str(row["not_completed"]),
            f"{float(seconds):.1f}" if seconds is not None else "-",
            f"{int(row['rows'] or 0):,}", f"{int(row['calls'] or 0):,}",
        )  # fmt: skip
    console.print(table)


async def print_status(conn: psycopg.AsyncConnection[Any], console: Console) -> None:
    """The admin status view as ``metasync status`` prints it."""
    rows, _ = await fetch_status(conn, None)
    if rows:
        console.print(status_table(rows, width=console.width))
