"""``metasync run``: the worker daemon, or one bounded pass (``--once --max-seconds N``).

Wires the settings, a psycopg async pool, one ``httpx.AsyncClient`` (the Graph base URL and
version come from the settings), the token cipher and JSON logs; SIGTERM / SIGINT set the stop
event so the worker releases what it has not finished. With app credentials, user tokens that
expire within a week are re-exchanged at start and then every few hours.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from datetime import timedelta
from typing import Annotated, Any

import httpx
import typer
from psycopg_pool import AsyncConnectionPool
from rich.console import Console

from metasync.clock import SYSTEM_CLOCK
from metasync.connections import AppCredentials, refresh_expiring_tokens
from metasync.crypto import TokenCipher
from metasync.graph import GraphClient
from metasync.logging import configure_logging
from metasync.postgres.connect import resolve_database_url
from metasync.runner import Worker
from metasync.settings import Settings, get_settings

log = logging.getLogger("metasync.run")
console = Console(stderr=True)
REFRESH_EVERY = timedelta(hours=6)
REFRESH_WITHIN = timedelta(days=7)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def refresh_tokens_forever(
    settings: Settings, pool: AsyncConnectionPool[Any], http: httpx.AsyncClient,
    cipher: TokenCipher, stop: asyncio.Event,
) -> None:  # fmt: skip
    """Re-exchange soon-expiring user tokens now and every ``REFRESH_EVERY`` until ``stop``."""
    app = AppCredentials.from_settings(settings)
    if app is None:
        return
    graph = GraphClient.from_settings(http, settings)
    while not stop.is_set():
        try:
            async with pool.connection() as conn:
                done = await refresh_expiring_tokens(
                    conn, graph, cipher, app, within=REFRESH_WITHIN
                )
            if done:
                log.info("tokens refreshed", extra={"connections": len(done)})
        except Exception:  # a refresh failure must not stop the worker
            log.exception("token refresh failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), REFRESH_EVERY.total_seconds())


async def run_worker(
    settings: Settings,
    *,
    once: bool,
    max_seconds: float,
    stop: asyncio.Event | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    install_signals: bool = True,
) -> Any:
    """Run until ``stop`` (daemon) or for one bounded pass; returns the pass's stats if ``once``."""
    stop = stop or asyncio.Event()
    if install_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
    cipher = TokenCipher.from_settings(settings)
    url = resolve_database_url(settings)
    size = settings.worker_concurrency + 4
    # A bounded pass gives up on an unreachable database within its own budget.
    timeout = min(30.0, max_seconds) if once else 30.0
    pool = AsyncConnectionPool(url, min_size=2, max_size=size, open=False, timeout=timeout,
                               kwargs={"autocommit": True})  # fmt: skip
    limits = httpx.Limits(max_connections=size * 2)
    async with pool, httpx.AsyncClient(transport=transport, limits=limits) as http:
        worker = Worker(settings, pool, http, cipher, SYSTEM_CLOCK, worker_id())
        refresher = asyncio.create_task(refresh_tokens_forever(settings, pool, http, cipher, stop))
        try:
            if once:
                return await worker.run_once(max_seconds)
            await worker.run(stop)
            return None
        finally:
            stop.set()
            await refresher


def run_command(
    once: Annotated[bool, typer.Option("--once", help="One bounded pass, then exit.")] = False,
    max_seconds: Annotated[
        float, typer.Option("--max-seconds", help="Time budget of --once.", min=1)
    ] = 50.0,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--workers-concurrency", help="Chunks run at once (default: settings).", min=1
        ),
    ] = None,
    log_level: Annotated[
        str,
        typer.Option("--log-level", help="DEBUG | INFO | WARNING | ERROR (JSON logs on stderr)."),
    ] = "INFO",
) -> None:
    """Run the sync worker: claim chunks, call Meta, write rows and progress."""
    settings = get_settings()
    if concurrency is not None:
        settings = settings.model_copy(update={"worker_concurrency": concurrency})
    configure_logging(log_level)
    stats = asyncio.run(run_worker(settings, once=once, max_seconds=max_seconds))
    if stats is None:
        return
    if stats.database_steps == 0:
        console.print(
            f"error: the pass reached no database in {max_seconds:g} s"
            f" ({stats.database_error or 'no call succeeded'}; check DATABASE_URL)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    console.print(f"pass done: {stats}")
