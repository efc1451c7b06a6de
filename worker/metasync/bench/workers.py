"""``metasync bench workers``: a world onboarded by 1, 2 and 4 ``metasync run`` processes.

The emulator runs as a ``meta-emulator`` subprocess (``meta_emulator.serving.EmulatorProcess``:
127.0.0.1, frozen clock so the truth stays still, realistic latency); here: the worker
subprocesses with ``DATABASE_URL`` set, the wait until every job is final, and the integrity
check (ground truth, duplicates, stuck work, gaps in the covered date ranges).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from metasync.bench._common import JsonFile, Report, median, throwaway_database
from metasync.crypto import TokenCipher, generate_key
from metasync.devsupport.fleet import (
    KEY_ID,
    WorkerProcesses,
    connect_world,
    integrity,
    wait_final,
)
from metasync.settings import get_settings

if TYPE_CHECKING:
    from meta_emulator.serving import EmulatorProcess


async def onboard_with(db_url: str, emu: EmulatorProcess, processes: int, accounts: int | None,
                       log_dir: Path, limit_s: float) -> dict[str, Any]:  # fmt: skip
    key = generate_key()
    ids = await connect_world(db_url, emu, TokenCipher({KEY_ID: key}, KEY_ID), accounts)
    before = emu.stats()["calls"]
    fleet = WorkerProcesses(db_url, emu, key, log_dir, lease_seconds=30)
    started = time.monotonic()
    for slot in range(processes):
        fleet.start(slot)
    try:
        await wait_final(db_url, limit_s)
    finally:
        seconds = time.monotonic() - started
        fleet.stop_all()
    stats = emu.stats()
    problems = await integrity(db_url, emu, ids)
    return {"processes": processes, "accounts": len(ids), "wall_seconds": seconds,
            "graph_calls": stats["calls"] - before, "throttled": stats["throttled"],
            "problems": problems}  # fmt: skip


def one_run(world: str, n: int, accounts: int | None, latency_ms: float, jitter_ms: float,
            clock: datetime, limit_s: float) -> dict[str, Any]:  # fmt: skip
    """A fresh emulator and database, the world onboarded by ``n`` processes."""
    from meta_emulator.serving import EmulatorProcess

    log_dir = Path(tempfile.mkdtemp(prefix=f"metasync-bench-workers-{n}-"))
    emu = EmulatorProcess(world, latency_ms=latency_ms, jitter_ms=jitter_ms, clock=clock,
                          log_dir=log_dir)  # fmt: skip
    try:
        with throwaway_database(get_settings(), f"workers_{n}") as url:
            return asyncio.run(onboard_with(url, emu, n, accounts, log_dir, limit_s))
    finally:
        emu.stop()


def workers(
    world: Annotated[str, typer.Option("--world", help="Emulator world to sync.")] = "agency",
    accounts: Annotated[int | None, typer.Option("--accounts", help="First N accounts.")] = None,
    processes: Annotated[str, typer.Option("--processes", help="Comma list.")] = "1,2,4",
    runs: Annotated[int, typer.Option("--runs", min=1, help="Runs per count (medians).")] = 1,
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Fixed part.")] = 100.0,
    jitter_ms: Annotated[float, typer.Option("--jitter-ms", help="Random part.")] = 100.0,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per run.")] = 1800.0,
    json_file: JsonFile = None,
) -> None:
    """Onboard a world with 1, 2 and 4 worker processes: wall time, Graph calls, correctness."""
    report = Report("workers")
    results = []
    clock = datetime.now(UTC).replace(microsecond=0)
    for n in (int(p) for p in processes.split(",")):
        done = [one_run(world, n, accounts, latency_ms, jitter_ms, clock, timeout)
                for _ in range(runs)]  # fmt: skip
        results += done
        problems = [p for run in done for p in run["problems"]]
        ok = "equal to truth" if not problems else f"{len(problems)} problems"
        wall = median([run["wall_seconds"] for run in done])
        calls = median([run["graph_calls"] for run in done])
        report.add(f"{n} process(es): wall s", round(wall, 1), f"median of {runs}; {ok}")
        report.add(f"{n} process(es): Graph calls", int(calls),
                   f"{done[0]['accounts']} accounts, {done[0]['throttled']} throttled")  # fmt: skip
        report.check(not problems, f"{n} processes: {problems[:3]}")
    report.data.update(world=world, latency_ms=latency_ms, jitter_ms=jitter_ms, runs=results)
    report.emit(json_file)
    if report.failures:
        raise typer.Exit(1)
