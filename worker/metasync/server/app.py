"""The ASGI application of ``metasync serve``.

GET  /webhooks/meta   Meta subscription verification   200 challenge | 403
POST /webhooks/meta   signed Meta events               200 | 400 | 401 | 413 | 422 | 503
POST /tick            enqueue due syncs, wake workers  200 | 401 | 503
GET  /healthz         database reachable, workers beating?  200 | 503   (server/observability.py)
GET  /metrics         Prometheus metrics                    200 | 503   (server/observability.py)
/connect/meta/...     Connect with Meta (metasync.connect.routes)
/console/...          the console (metasync.console)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from metasync.clock import SYSTEM_CLOCK
from metasync.connect.context import ConnectContext
from metasync.connect.routes import connect_routes
from metasync.console import console_routes, make_console
from metasync.redaction import register_settings_secrets
from metasync.server import observability
from metasync.server.context import ServerContext
from metasync.server.database import Database, Pool
from metasync.server.tick import tick
from metasync.server.webhooks import receive_events, verify_subscription
from metasync.settings import Settings

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60.0


async def _sweep(context: ServerContext, every: float) -> None:
    """Leftover webhook events (a crash after the reply) are picked up periodically."""
    while True:
        await context.process_pending()
        await asyncio.sleep(every)


def create_app(
    settings: Settings,
    pool_or_url: Pool | str,
    *,
    sweep_seconds: float | None = SWEEP_SECONDS,
    clock: Callable[[], datetime] = SYSTEM_CLOCK.now,
    graph_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """The app; a URL gets an owned pool opened on startup (or first use) and closed on shutdown.

    ``sweep_seconds=None`` disables the periodic webhook pass (tests drive passes themselves);
    ``clock`` is "now" for every timestamp the endpoint writes (tests pass the emulator's).
    """
    register_settings_secrets(settings)
    database = Database(pool_or_url, request_timeout=settings.request_db_timeout_seconds)
    context = ServerContext(settings, database, clock)
    console = make_console(settings, context.db)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await context.db.open()
        console.hub.start()
        sweeper = None
        if sweep_seconds:
            sweeper = asyncio.create_task(_sweep(context, sweep_seconds), name="webhook-sweep")
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
            await console.hub.stop()
            await context.db.close()

    app = Starlette(
        routes=[
            Route("/webhooks/meta", verify_subscription, methods=["GET"]),
            Route("/webhooks/meta", receive_events, methods=["POST"]),
            Route("/tick", tick, methods=["POST"]),
            *observability.routes(),
            *connect_routes(),
            *console_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.connect = ConnectContext(settings, context.db, clock, graph_transport)
    app.state.console = console
    return app
