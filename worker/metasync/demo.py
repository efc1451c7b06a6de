"""``metasync demo``: the whole product in one command, with no credentials and no setup.

1. A fresh ``metasync_demo`` database on the embedded PostgreSQL: dropped (its sessions ended)
   and created again at every start, then migrated, so every run starts clean. No other database
   of the cluster is touched (the Supabase roles the migrations need are created only where
   missing). A cluster-wide advisory lock, held for the whole run, refuses a second demo started
   while one is running instead of letting it drop the first one's database.
2. The Meta emulator's ``demo`` world (agency accounts plus the ``large`` account; what
   ``meta-emulator --world demo --seed 7`` serves) by uvicorn on 127.0.0.1 in a background
   thread, with realistic latency and multi-second report runs.
3. ``connect`` of its system-user token and accounts (phase 1 starts), workers in-process, live
   progress of phase 1 and phase 2 (the ``watch`` board), the status view, and a comparison of
   every entity and ad-day metric with the emulator's ground truth (exit 1 on any difference).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
import psycopg
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr
from rich.console import Console

from metasync.clock import SYSTEM_CLOCK
from metasync.connections import AppCredentials, connect
from metasync.crypto import TokenCipher, generate_key
from metasync.db import databases
from metasync.demo_support import print_phase_times, print_status
from metasync.graph import GraphClient
from metasync.logging import configure_logging
from metasync.postgres.connect import embedded_cluster
from metasync.postgres.migrate import migrate
from metasync.progress import ProgressBoard
from metasync.runner import Worker
from metasync.settings import Settings
from metasync.verify import Comparison, compare_with_truth
from metasync.watch import JobSelection, watch_jobs

if TYPE_CHECKING:
    from meta_emulator import Emulator

DEMO_DATABASE = "metasync_demo"
DEMO_ORG = "meta-sync demo"
DEMO_WORLD = "demo"
DEMO_LOCK = 0x6D64656D  # "mdem": one demo at a time per cluster (advisory lock key)


@dataclass(frozen=True)
class DemoOptions:
    accounts: int | None = None  # agency accounts of the demo world (None: all of them)
    large: bool = True
    latency_ms: float = 100.0  # mean; each call takes 0.5x..1.5x of it
    report_seconds: float = 3.0
    seed: int = 7
    workers: int = 2
    timeout_seconds: float = 600.0
    per_account_concurrency: int = 4  # report runs of one account waited on side by side
    console: bool = False  # keep serving the console on the demo's database afterwards
    console_port: int | None = None  # default METASYNC_SERVE_PORT


def demo_accounts(account_ids: list[str], options: DemoOptions) -> list[str]:
    """The demo world's accounts to connect: the first agency ones, then the large one."""
    from meta_emulator.presets import DEMO_AGENCY_ACCOUNTS

    agency = DEMO_AGENCY_ACCOUNTS if options.accounts is None else options.accounts
    large = account_ids[DEMO_AGENCY_ACCOUNTS:] if options.large else []
    return [*account_ids[: min(agency, DEMO_AGENCY_ACCOUNTS)], *large]


def build_emulator(options: DemoOptions, now: datetime) -> tuple[Emulator, list[str]]:
    """The demo world (frozen clock, so the truth stays still) and the accounts to connect."""
    from meta_emulator import Emulator, EmulatorConfig

    config = EmulatorConfig(
        latency_ms=options.latency_ms / 2,
        jitter_ms=options.latency_ms,
        report_run_s=options.report_seconds,
    )
    emu = Emulator(DEMO_WORLD, seed=options.seed, config=config, clock=now)
    return emu, demo_accounts(emu.account_ids, options)


class DemoBusyError(RuntimeError):
    """Another demo holds the cluster's demo lock."""


@contextmanager
def fresh_database(settings: Settings) -> Iterator[str]:
    """Hold the demo lock; drop and recreate ``metasync_demo``, migrate it; yield its URL.

    Only that database is dropped (``with (force)`` ends the sessions connected to it, and no
    other). The lock (session-level, on the maintenance database) lasts until the block exits.
    """
    cluster = embedded_cluster(settings)
    cluster.ensure_running()
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as admin:
        if not databases.try_advisory_lock(admin, DEMO_LOCK):
            raise DemoBusyError(f"another demo is running on this cluster ({cluster.url})")
        databases.recreate_database(admin, DEMO_DATABASE)
        url = cluster.url_for(DEMO_DATABASE)
        migrate(url)
        yield url


def demo_settings(
    base: Settings, url: str, graph_url: str, emu: Emulator, per_account: int | None = None
) -> Settings:
    creds = emu.credentials
    return base.model_copy(
        update={
            "worker_per_account_concurrency": per_account or base.worker_per_account_concurrency,
            "database_url": SecretStr(url),
            "graph_base_url": graph_url,
            "meta_app_id": creds["app_id"],
            "meta_app_secret": SecretStr(creds["app_secret"]),
        }
    )


@dataclass(frozen=True)
class SyncOutcome:
    accounts: list[str]  # the connected ones
    seconds: float
    finished: bool  # every job final before the timeout


async def onboard_and_sync(
    settings: Settings, emu: Emulator, accounts: list[str], options: DemoOptions, console: Console
) -> SyncOutcome:
    """Connect, run the workers, render progress until every job is final (or the timeout)."""
    url = settings.database_url.get_secret_value() if settings.database_url else ""
    cipher = TokenCipher({"demo": generate_key()})
    app = AppCredentials.from_settings(settings)
    limits = httpx.Limits(max_connections=64)
    async with (
        httpx.AsyncClient(limits=limits) as http,
        AsyncConnectionPool(url, min_size=2, max_size=32, open=False,
                            kwargs={"autocommit": True}) as pool,
    ):  # fmt: skip
        graph = GraphClient.from_settings(http, settings)
        async with pool.connection() as conn:
            result = await connect(
                conn, graph, cipher, organization=DEMO_ORG,
                token=emu.credentials["access_token"], account_ids=accounts, app=app,
            )  # fmt: skip
        console.print(
            f"connected {len(result.accounts)} accounts ({result.token.token_type} token, "
            f"stored encrypted); phase 1 enqueued"
        )
        started, finished = SYSTEM_CLOCK.monotonic(), False
        stop = asyncio.Event()
        workers = [
            asyncio.create_task(
                Worker(settings, pool, http, cipher, SYSTEM_CLOCK, f"demo-{i}").run(stop)
            )
            for i in range(options.workers)
        ]
        try:
            selection = JobSelection(organization_ids=frozenset({result.organization_id}))
            with ProgressBoard(console) as board:
                await asyncio.wait_for(watch_jobs(url, board, selection), options.timeout_seconds)
            finished = True
        except TimeoutError:
            console.print(f"[red]gave up waiting after {options.timeout_seconds:.0f} s[/red]")
        finally:
            stop.set()
            await asyncio.gather(*workers, return_exceptions=True)
        ids = [a.id for a in result.accounts]
        return SyncOutcome(ids, SYSTEM_CLOCK.monotonic() - started, finished)


async def verify(url: str, emu: Emulator, accounts: list[str]) -> Comparison:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        return await compare_with_truth(conn, emu, accounts)


async def report(url: str, console: Console) -> None:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        await print_phase_times(conn, console)
        await print_status(conn, console)


def run_demo(base: Settings, options: DemoOptions, console: Console | None = None) -> int:
    """The demo; returns the exit code (0 = database equals the emulator's truth, 2 = busy)."""
    console = console or Console()
    began = SYSTEM_CLOCK.monotonic()
    console.rule("meta-sync demo")
    try:
        with fresh_database(base) as url:
            console.print(f"database: fresh {DEMO_DATABASE} on the embedded PostgreSQL, migrated")
            log_path = base.home / "demo.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("w", encoding="utf-8") as log_file:
                configure_logging(logging.WARNING, stream=log_file)
                console.print(f"worker logs (JSON, warnings and errors): {log_path}")
                comparison, finished = sync_and_verify(url, base, options, console)
            print_outcome(console, began, comparison, url)
            if options.console:
                from metasync.demo_console import serve_console

                serve_console(url, base, console, options.console_port)
    except DemoBusyError as exc:
        console.print(f"[red]{exc}: wait for it to finish[/red]")
        return 2
    return 0 if comparison.ok and finished else 1


def print_outcome(console: Console, began: float, comparison: Comparison, url: str) -> None:
    console.print(f"demo {SYSTEM_CLOCK.monotonic() - began:.1f} s")
    for line in comparison.differences[:20]:
        console.print(f"[red]  {line}[/red]")
    style = "green" if comparison.ok else "red"
    console.print(f"[bold {style}]{comparison.summary()}[/bold {style}]")
    for line in where_the_data_is(url):
        console.print(line, soft_wrap=True, highlight=False)


def where_the_data_is(url: str) -> list[str]:
    """How to look at the demo's data: it is in its own database, not the default one."""
    return [
        f"the demo's data is in the database {DEMO_DATABASE} (dropped and rebuilt by the next"
        " demo), not in the default one that `metasync status` reads; look at it with:",
        f"  DATABASE_URL={url} metasync status",
        f"  DATABASE_URL={url} metasync jobs",
        f"  psql {url}",
    ]


def sync_and_verify(
    url: str, base: Settings, options: DemoOptions, console: Console
) -> tuple[Comparison, bool]:
    """Serve the demo world, sync it into ``url``, report, compare with the truth; (comparison,
    whether the sync finished in time)."""
    from meta_emulator.serving import EmulatorServer

    emu, accounts = build_emulator(options, SYSTEM_CLOCK.now().replace(microsecond=0))
    with EmulatorServer(emu) as server:
        console.print(
            f"Meta emulator: {server.url} ({len(accounts)} accounts, ~{options.latency_ms:.0f} ms"
            f" per call, {options.report_seconds:.0f} s report runs)"
        )
        settings = demo_settings(base, url, server.url, emu, options.per_account_concurrency)
        outcome = asyncio.run(onboard_and_sync(settings, emu, accounts, options, console))
        calls = emu.stats
    asyncio.run(report(url, console))
    console.print(
        f"Graph calls: {calls['calls']} in {calls['http_requests']} HTTP requests, "
        f"{calls['throttled']} throttled, {calls['failed']} failed; sync {outcome.seconds:.1f} s"
    )
    return asyncio.run(verify(url, emu, outcome.accounts)), outcome.finished
