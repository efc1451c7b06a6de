"""Demo plumbing: the emulator served by uvicorn in a thread; phase times and the status view."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING, Any

import psycopg
import uvicorn
from rich.console import Console
from rich.table import Table

from metasync.commands.admin import fetch_status, status_table
from metasync.db import status

if TYPE_CHECKING:
    from meta_emulator import Emulator

PHASE_TITLES = {
    "recent_window": "phase 1 ({days} days)",  # days: sync_planner_settings.phase_1_days
    "historical_backfill": "phase 2 (history)",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmulatorServer:
    """uvicorn serving the emulator on 127.0.0.1 in a daemon thread."""

    def __init__(self, emu: Emulator) -> None:
        self.port = free_port()
        config = uvicorn.Config(emu.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", access_log=False)  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="emulator", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> EmulatorServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the emulator server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


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
    rows = await fetch_status(conn, None)
    if rows:
        console.print(status_table(rows))
