"""``POST /tick``: the pg_cron / pg_net nudge. Enqueues due syncs and wakes the workers.

    Authorization: Bearer <METASYNC_TICK_TOKEN>    else 401 (503 when no token is configured)
    200 {"enqueued": n}    n = rows returned by meta_sync.enqueue_due_syncs()
    503 when the database refuses or enqueue_due_syncs is not installed

Leftover webhook events are processed after the reply.
"""

from __future__ import annotations

import logging

import psycopg
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from metasync.db import notify, scheduling
from metasync.db.errors import MetaSyncDatabaseError
from metasync.server.context import ServerContext
from metasync.server.signatures import bearer_token, token_matches

log = logging.getLogger(__name__)


async def tick(request: Request) -> Response:
    context: ServerContext = request.app.state.context
    expected = context.settings.tick_token
    if expected is None:
        return JSONResponse({"error": "tick is not configured"}, status_code=503)
    given = bearer_token(request.headers.get("authorization"))
    if not token_matches(given, expected.get_secret_value()):
        return JSONResponse({"error": "unauthorized"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    try:
        enqueued = await enqueue_and_wake(context)
    except (psycopg.Error, MetaSyncDatabaseError) as exc:
        log.error("tick failed", extra={"sqlstate": exc.sqlstate, "error": str(exc)})
        return JSONResponse({"error": "database error", "sqlstate": exc.sqlstate}, status_code=503)
    return JSONResponse({"enqueued": enqueued}, background=BackgroundTask(context.process_pending))


async def enqueue_and_wake(context: ServerContext) -> int:
    """Run enqueue_due_syncs and notify ``meta_sync_wake`` in one transaction; jobs enqueued."""
    async with context.db.connection() as conn, conn.transaction():
        enqueued = len(await scheduling.enqueue_due_syncs(conn))
        await notify.wake_workers(conn)
    log.info("tick", extra={"enqueued": enqueued})
    return enqueued
