"""``metasync bench console-streams``: 500 open console streams on one ``metasync serve``.

A throwaway database; the emulator's ``agency`` world in its own process (``meta-emulator``,
realistic latency); ``metasync serve`` in its own process (the one being measured); N
``/console/events`` streams from this process, half as the operator and half as a Supabase
member of the organisation (HS256 JWTs); ``metasync run`` worker processes onboarding the
world. This process also LISTENs on ``meta_sync_progress`` itself: that arrival is the moment
of the commit, and a stream's delivery latency is its receipt of the same event minus it.
Reported: deliveries (expected = notifications x streams, and the missing ones), delivery
latency p50 / p95 / p99 / max, the server's own fan-out time (its NOTIFY receipt to the
client), and the server's resident memory idle, with the streams open, and at its peak.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import jwt
import psycopg
import typer

from metasync.bench._common import Report, free_port, throwaway_database
from metasync.bench.sse_reader import Tally, event_key, one_stream, percentile
from metasync.crypto import TokenCipher, generate_key
from metasync.devsupport.fleet import (
    KEY_ID,
    WorkerProcesses,
    connect_world,
    metasync_executable,
    url_as_uri,
    wait_final,
)
from metasync.settings import get_settings

if TYPE_CHECKING:
    from meta_emulator.serving import EmulatorProcess

OPERATOR = "bench-console-operator-token"
SECRET = "bench-console-jwt-secret-of-at-least-32-characters"  # noqa: S105 (a throwaway bench)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    return 0


class ConsoleServer:
    """``metasync serve`` in a subprocess, with an operator token and a JWT secret."""

    def __init__(self, db_url: str, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("METASYNC_")}
        env |= {
            "DATABASE_URL": url_as_uri(db_url),
            "METASYNC_CONSOLE_TOKEN": OPERATOR,
            "METASYNC_SUPABASE_JWT_SECRET": SECRET,
            "METASYNC_HOME": str(log_dir),
        }
        log = (log_dir / "serve.log").open("ab")
        self.proc = subprocess.Popen(
            [metasync_executable(), "serve", "--port", str(self.port), "--log-level", "warning"],
            stdout=log,
            stderr=log,
            env=env,
            cwd=log_dir,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"metasync serve exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("metasync serve did not become healthy within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def reference_listener(
    db_url: str, seen: dict[tuple[str, ...], list[float]], ready: asyncio.Event
) -> None:
    conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
    async with conn:
        await conn.execute("listen meta_sync_progress")
        ready.set()
        async for note in conn.notifies():
            seen[event_key(json.loads(note.payload))].append(time.time())


async def add_member(db_url: str) -> str:
    """A member of the bench organisation; a JWT of theirs."""
    user = uuid.uuid4()
    conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
    async with conn:
        await conn.execute(
            "insert into meta_sync.organization_members (organization_id, user_id, role)"
            " select id, %s, 'member' from meta_sync.organizations where name = 'bench'",
            (user,),
        )
    claims = {
        "sub": str(user),
        "role": "authenticated",
        "aud": "authenticated",
        "exp": int(time.time()) + 24 * 3600,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


@dataclass(frozen=True)
class Options:
    streams: int
    accounts: int | None
    processes: int
    latency_ms: float
    limit_s: float
    sample_every: int


async def open_streams(server: ConsoleServer, member: str, tally: Tally,
                       seen: dict[tuple[str, ...], list[float]], options: Options,
                       ) -> tuple[list[asyncio.Task[None]], float]:  # fmt: skip
    """The streams, half operator and half member, every n-th timed; (tasks, seconds to open)."""
    tasks = [
        asyncio.create_task(one_stream(
            server.url, OPERATOR if (i // options.sample_every) % 2 else member, tally, seen,
            i % options.sample_every == 0))
        for i in range(options.streams)
    ]  # fmt: skip
    started = time.monotonic()
    while tally.opened + len(tally.failed) < options.streams:
        if time.monotonic() - started > 60:
            break
        await asyncio.sleep(0.1)
    return tasks, time.monotonic() - started


@dataclass(frozen=True)
class Usage:
    sync_seconds: float
    server_cpu: float
    bench_cpu: float
    peak_kb: int


async def sync_while_streaming(db_url: str, emu: EmulatorProcess, key: bytes, log_dir: Path,
                               server: ConsoleServer, options: Options) -> Usage:  # fmt: skip
    """Worker processes onboard the world; the server's CPU and peak memory meanwhile."""
    cpu_before, bench_before = cpu_seconds(server.proc.pid), cpu_seconds(os.getpid())
    fleet = WorkerProcesses(db_url, emu, key, log_dir, lease_seconds=30)
    peak = [rss_kb(server.proc.pid)]

    async def sample() -> None:
        while True:
            peak.append(rss_kb(server.proc.pid))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    for slot in range(options.processes):
        fleet.start(slot)
    try:
        sync_seconds = await wait_final(db_url, options.limit_s, poll=0.5)
    finally:
        fleet.stop_all()
    await asyncio.sleep(2)  # the last deliveries
    sampler.cancel()
    await asyncio.gather(sampler, return_exceptions=True)
    return Usage(sync_seconds, cpu_seconds(server.proc.pid) - cpu_before,
                 cpu_seconds(os.getpid()) - bench_before, max(peak))  # fmt: skip


async def measure(
    db_url: str, emu: EmulatorProcess, server: ConsoleServer, log_dir: Path, options: Options
) -> dict[str, Any]:
    key = generate_key()
    ids = await connect_world(db_url, emu, TokenCipher({KEY_ID: key}, KEY_ID), options.accounts)
    member = await add_member(db_url)
    idle_kb = rss_kb(server.proc.pid)
    seen: dict[tuple[str, ...], list[float]] = defaultdict(list)
    ready, tally = asyncio.Event(), Tally()
    listener = asyncio.create_task(reference_listener(db_url, seen, ready))
    await ready.wait()
    tasks, open_seconds = await open_streams(server, member, tally, seen, options)
    streams_kb = rss_kb(server.proc.pid)
    usage = await sync_while_streaming(db_url, emu, key, log_dir, server, options)
    for task in [*tasks, listener]:
        task.cancel()
    await asyncio.gather(*tasks, listener, return_exceptions=True)
    memory = {"idle": idle_kb, "streams_open": streams_kb, "peak": usage.peak_kb}
    return summary(options, tally, seen, usage, memory) | {
        "accounts": len(ids), "open_seconds": round(open_seconds, 2)}  # fmt: skip


def summary(options: Options, tally: Tally, seen: dict[tuple[str, ...], list[float]],
            usage: Usage, memory_kb: dict[str, int]) -> dict[str, Any]:  # fmt: skip
    notifications = sum(len(v) for v in seen.values())
    quantiles = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
    return {
        "streams": options.streams, "streams_opened": tally.opened,
        "stream_failures": dict(Counter(tally.failed)),
        "sync_seconds": round(usage.sync_seconds, 1), "notifications": notifications,
        "deliveries": tally.deliveries, "expected_deliveries": notifications * tally.opened,
        "unmatched_deliveries": tally.unmatched, "resyncs": tally.resyncs,
        "timed_streams": len(range(0, options.streams, options.sample_every)),
        "timed_deliveries": len(tally.latencies_ms),
        "latency_ms": {q: percentile(tally.latencies_ms, v) for q, v in quantiles},
        "fanout_ms": {q: percentile(tally.fanout_ms, v) for q, v in quantiles[:2]},
        "mean_latency_ms": round(statistics.fmean(tally.latencies_ms or [0]), 1),
        "server_cpu_seconds": round(usage.server_cpu, 1),
        "server_cpu_us_per_delivery": round(usage.server_cpu * 1e6 / max(tally.deliveries, 1), 1),
        "bench_cpu_seconds": round(usage.bench_cpu, 1),
        "load_average_1m_end": round(os.getloadavg()[0], 2),
        "server_rss_mb": {k: round(v / 1024, 1) for k, v in memory_kb.items()},
    }  # fmt: skip


def report(result: dict[str, Any], json_file: Path | None) -> None:
    out = Report("console-streams", data=result)
    out.add(
        "streams open",
        result["streams_opened"],
        f"of {result['streams']} (half operator, half member)",
    )
    out.add("accounts onboarded", result["accounts"], f"sync {result['sync_seconds']} s")
    out.add("notifications", result["notifications"], "NOTIFYs seen by a listener of the bench")
    out.add(
        "deliveries",
        result["deliveries"],
        f"expected {result['expected_deliveries']:,}; {result['resyncs']} resyncs",
    )
    lat, fan, mem = result["latency_ms"], result["fanout_ms"], result["server_rss_mb"]
    out.add(
        "delivery latency p50 ms",
        lat["p50"],
        f"commit (NOTIFY) -> client, {result['timed_streams']} timed streams",
    )
    out.add("delivery latency p95 ms", lat["p95"], f"p99 {lat['p99']}, max {lat['max']}")
    out.add(
        "server fan-out p50 / p95 ms",
        f"{fan['p50']} / {fan['p95']}",
        "server's NOTIFY receipt -> client",
    )
    out.add(
        "server CPU s while syncing",
        result["server_cpu_seconds"],
        f"{result['server_cpu_us_per_delivery']} us per delivery",
    )
    out.add("server RSS idle MB", mem["idle"])
    out.add(
        "server RSS with the streams MB",
        mem["streams_open"],
        f"peak {mem['peak']} MB while syncing",
    )
    out.check(result["streams_opened"] == result["streams"], "not every stream opened")
    out.check(result["deliveries"] >= result["expected_deliveries"], "deliveries missing")
    out.check(lat["p95"] < 1000, "p95 delivery latency is 1 s or more")
    out.emit(json_file)


def console_streams(
    streams: Annotated[
        int, typer.Option(min=1, max=5000, help="Open /console/events streams.")
    ] = 500,
    accounts: Annotated[
        int | None, typer.Option(min=1, help="Agency accounts (default all 50).")
    ] = None,
    processes: Annotated[int, typer.Option(min=1, max=8, help="metasync run processes.")] = 2,
    latency_ms: Annotated[float, typer.Option(min=0, help="Mean emulated Graph latency.")] = 50.0,
    limit_s: Annotated[float, typer.Option(min=10, help="Give up after this long.")] = 600.0,
    sample_every: Annotated[
        int, typer.Option(min=1, help="Time the events of every n-th stream (all are counted).")
    ] = 10,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the numbers here.")
    ] = None,
) -> None:
    """N console streams on one metasync serve while workers onboard the agency world."""
    settings = get_settings()
    options = Options(streams, accounts, processes, latency_ms, limit_s, sample_every)
    log_dir = Path(tempfile.mkdtemp(prefix="metasync-bench-console-"))
    from meta_emulator.serving import EmulatorProcess

    with throwaway_database(settings, "console-streams") as url:
        emu = EmulatorProcess(
            "agency", latency_ms=latency_ms, jitter_ms=latency_ms, report_run_s=1.0, log_dir=log_dir
        )
        try:
            server = ConsoleServer(url, log_dir)
            try:
                result = asyncio.run(measure(url, emu, server, log_dir, options))
            finally:
                server.stop()
        finally:
            emu.stop()
    report(result, json_file)
