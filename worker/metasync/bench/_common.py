"""Shared plumbing of the benchmarks: throwaway databases, a report (rich table + JSON), medians.

Every scenario runs on its own database ``metasync_bench_<scenario>_<pid>`` created on the
server of ``DATABASE_URL`` (or the embedded cluster), migrated with the real migrations and
dropped at the end, so a benchmark never touches the user's data.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from psycopg.conninfo import make_conninfo
from rich.console import Console
from rich.table import Table

from metasync.postgres.connect import resolve_database_url
from metasync.postgres.migrate import migrate
from metasync.settings import Settings

console = Console()

# The options several benchmarks share.
JsonFile = Annotated[Path | None, typer.Option("--json", help="Write JSON here.")]
LatencyMs = Annotated[float, typer.Option("--latency-ms", help="Per Graph call.")]
ReportSeconds = Annotated[
    float, typer.Option("--report-seconds", help="Seconds an async report run takes.")
]
TimeoutSeconds = Annotated[float, typer.Option("--timeout", help="Give up after (s).")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_url(settings: Settings) -> str:
    """The URL of the user's database (the embedded cluster is started if needed)."""
    return resolve_database_url(settings)


def with_dbname(url: str, dbname: str) -> str:
    return make_conninfo(url, dbname=dbname)


@contextmanager
def throwaway_database(settings: Settings, scenario: str) -> Iterator[str]:
    """A fresh migrated database for one scenario; dropped afterwards (even on error)."""
    base = server_url(settings)
    name = f"metasync_bench_{scenario.replace('-', '_')}_{os.getpid()}"
    admin = with_dbname(base, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")
        conn.execute(f"create database {name}")
    url = with_dbname(base, name)
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"drop database if exists {name} with (force)")


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    mem_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        mem_kb = int(first[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def postgres_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("show server_version").fetchone()
    return str(row[0]) if row else "?"


@dataclass
class Report:
    """One scenario's numbers: rows for the table, the same data (and more) for JSON."""

    scenario: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, name: str, value: Any, note: str = "") -> None:
        if isinstance(value, float):
            shown = f"{value:,.3f}"
        elif isinstance(value, int) and not isinstance(value, bool):
            shown = f"{value:,}"
        else:
            shown = str(value)
        self.rows.append((name, shown, note))

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.failures.append(message)

    def emit(self, json_file: Path | None) -> None:
        table = Table(title=f"metasync bench {self.scenario}")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_column("note")
        for row in self.rows:
            table.add_row(*row)
        console.print(table)
        for failure in self.failures:
            console.print(f"[red]target missed:[/red] {failure}")
        payload = {"scenario": self.scenario, "machine": machine(), **self.data,
                   "targets_missed": self.failures}  # fmt: skip
        if json_file is not None:
            json_file.write_text(json.dumps(payload, indent=2, default=str) + "\n")
            console.print(f"JSON written to {json_file}")


def git_revision() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or "?"
