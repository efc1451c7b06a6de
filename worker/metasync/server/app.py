"""The ASGI application of ``metasync serve``.

GET  /webhooks/meta   Meta subscription verification   200 challenge | 403
POST /webhooks/meta   signed Meta events               200 | 400 | 401 | 413 | 422 | 503
POST /tick            enqueue due syncs, wake workers  200 | 401 | 503
GET  /healthz         database reachable?              200 | 503
/console/...          the console (metasync.console)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from metasync.clock import SYSTEM_CLOCK
from metasync.console import console_routes, make_console
from metasync.db import status
from metasync.redaction import register_settings_secrets
from metasync.server.context import ServerContext
from metasync.server.database import Database, Pool
from metasync.server.tick import tick
from metasync.server.webhooks import receive_events, verify_subscription
from metasync.settings import Settings

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60.0


async def healthz(request: Request) -> Response:
    context: ServerContext = request.app.state.context
    try:
        async with asyncio.timeout(5):
            async with context.db.connection() as conn:
                await status.ping(conn)
    except Exception as exc:
        log.warning("healthz: database unreachable", extra={"error": str(exc)})
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


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
) -> Starlette:
    """The app; a URL gets an owned pool opened on startup (or first use) and closed on shutdown.

    ``sweep_seconds=None`` disables the periodic webhook pass (tests drive passes themselves);
    ``clock`` is "now" for every timestamp the endpoint writes (tests pass the emulator's).
    """
    register_settings_secrets(settings)
    context = ServerContext(settings, Database(pool_or_url), clock)
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
            Route("/healthz", healthz, methods=["GET"]),
            *console_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.console = console
    return app
