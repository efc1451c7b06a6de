"""``metasync bench workers``: a world onboarded by 1, 2 and 4 ``metasync run`` processes.

The emulator runs as a ``meta-emulator`` subprocess (``meta_emulator.serving.EmulatorProcess``:
127.0.0.1, frozen clock so the truth stays still, realistic latency); here: the worker
subprocesses with ``DATABASE_URL`` set, the wait until every job is final, and the integrity
check (ground truth, duplicates, stuck work, gaps in the covered date ranges).
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import psycopg
import typer
from pydantic import SecretStr

from metasync.bench._common import Report, median, throwaway_database, url_as_uri
from metasync.connections import connect
from metasync.crypto import TokenCipher, generate_key
from metasync.graph import GraphClient
from metasync.settings import Settings, get_settings
from metasync.verify import TruthSource, compare_with_truth, merge_ranges, synced_ranges

if TYPE_CHECKING:
    from meta_emulator.serving import EmulatorProcess

KEY_ID = "bench"


def metasync_executable() -> str:
    local = Path(sys.executable).parent / "metasync"
    return str(local) if local.exists() else shutil.which("metasync") or "metasync"


class WorkerProcesses:
    """``metasync run`` subprocesses sharing one database and one emulator."""

    def __init__(self, db_url: str, emu: EmulatorProcess, key: bytes, log_dir: Path,
                 *, concurrency: int = 8, lease_seconds: int = 10) -> None:  # fmt: skip
        creds = emu.credentials()
        self.log_dir = log_dir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("METASYNC_")},
            "DATABASE_URL": url_as_uri(db_url),
            "METASYNC_HOME": str(log_dir),
            "METASYNC_GRAPH_BASE_URL": emu.url,
            "METASYNC_META_APP_ID": str(creds["app_id"]),
            "METASYNC_META_APP_SECRET": str(creds["app_secret"]),
            "METASYNC_TOKEN_KEYS": f"{KEY_ID}:{base64.b64encode(key).decode()}",
            "METASYNC_TOKEN_KEY_ID": KEY_ID,
            "METASYNC_LEASE_SECONDS": str(lease_seconds),
            "METASYNC_POLL_INTERVAL_SECONDS": "0.5",
            "METASYNC_WORKER_CONCURRENCY": str(concurrency),
            "METASYNC_REPORT_POLL_SECONDS": "0.5",
        }
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.starts = 0

    def start(self, slot: int) -> None:
        self.starts += 1
        log = (self.log_dir / f"worker-{slot}.log").open("ab")
        self.procs[slot] = subprocess.Popen(
            [metasync_executable(), "run", "--log-level", "WARNING"],
            stdout=log, stderr=log, env=self.env, cwd=self.log_dir,
        )  # fmt: skip
        log.close()

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def connect_world(db_url: str, emu: EmulatorProcess, cipher: TokenCipher,
                        accounts: int | None = None) -> list[str]:  # fmt: skip
    """``connect`` the world's system-user token and (the first ``accounts``) accounts."""
    creds = emu.credentials()
    ids = list(creds["account_ids"])[:accounts]
    settings = Settings(_env_file=None, graph_base_url=emu.url,  # type: ignore[call-arg]
                        meta_app_secret=SecretStr(creds["app_secret"]))  # fmt: skip
    async with httpx.AsyncClient(timeout=120) as http:
        graph = GraphClient.from_settings(http, settings)
        conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
        async with conn:
            result = await connect(conn, graph, cipher, organization="bench",
                                   token=creds["access_token"], account_ids=ids)  # fmt: skip
    return [a.id for a in result.accounts]


OPEN_WORK = """
select (select count(*) from meta_sync.sync_jobs where status in ('pending', 'in_progress'))
     + (select count(*) from meta_sync.meta_ad_accounts where phase_2_completed_at is null)
"""


async def _count(db_url: str, query: str) -> int:
    conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
    async with conn:
        row = await (await conn.execute(query)).fetchone()
    return int(row[0]) if row else 0


async def open_work(db_url: str) -> int:
    """Open jobs plus accounts whose onboarding has not finished (0 = everything final)."""
    return await _count(db_url, OPEN_WORK)


async def wait_final(db_url: str, limit_s: float, poll: float = 1.0) -> float:
    """Seconds until no work is open (TimeoutError after ``limit_s``)."""
    started = time.monotonic()
    while await open_work(db_url):
        if time.monotonic() - started > limit_s:
            raise TimeoutError(f"work still open after {limit_s:.0f} s")
        await asyncio.sleep(poll)
    return time.monotonic() - started


STUCK = """
select count(*) from meta_sync.sync_job_chunks where status in ('pending', 'in_progress')
"""
DUPLICATES = """
select count(*) - count(distinct (ad_id, date, attribution_setting, breakdown_key))
from meta_sync.meta_insights_daily
"""


async def integrity(db_url: str, truth: TruthSource, accounts: list[str]) -> list[str]:
    """Every problem found: differences with Meta, duplicates, stuck chunks, coverage gaps."""
    conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
    async with conn:
        comparison = await compare_with_truth(conn, truth, accounts)
        problems = list(comparison.differences[:20])
        for label, query in (("duplicate rows", DUPLICATES), ("chunks not final", STUCK)):
            row = await (await conn.execute(query)).fetchone()
            if row and row[0]:
                problems.append(f"{label}: {row[0]}")
        for account in accounts:
            merged = merge_ranges(await synced_ranges(conn, account))
            if len(merged) > 1:
                problems.append(f"{account}: gap in covered dates {merged}")
    if comparison.rows_compared == 0:
        problems.append("no ad-day rows compared")
    return problems


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
    json_file: Annotated[Path | None, typer.Option("--json", help="Write JSON here.")] = None,
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
