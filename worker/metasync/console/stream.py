"""/console/events: Server-Sent Events of job progress, for the viewer's organisations only.

``?account=act_..`` or ``?job=N`` narrows the stream to one account (the job page follows the
account, so it sees the phase-2 job appear). ``Last-Event-ID`` (sent by EventSource on its own
reconnects) or ``?after=`` (the id printed into the page when it was rendered) resumes without
a gap; when the hub cannot replay what was missed, the stream starts with a ``resync`` event and
the page reads its state again. Which organisations a user may read is asked as the user (RLS)
when the stream opens and again every minute (by the hub, for every stream at once); the stream
ends within seconds once the user's token expires.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator

from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import Response

from metasync.console.auth import Viewer
from metasync.console.events import END, RESYNC, Event, Filter, Hub, Subscription, frame
from metasync.console.pages import ACCOUNT_ID
from metasync.console.web import api, console_of, job_id_of, json_response, read_as
from metasync.db import console as q

CACHE_SECONDS = 30.0
PING_SECONDS = 15


def _resync(hub: Hub) -> bytes:
    return frame(hub.last_id, "resync", "{}")


async def _organizations(request: Request, viewer: Viewer) -> frozenset[str] | None:
    """The organisations the viewer may read (None: all), asked as the viewer at most once per
    ``CACHE_SECONDS`` per user, however many streams the user has open."""
    if viewer.operator:
        return None
    cache = console_of(request).org_cache
    key = str(viewer.user_id)
    cached = cache.get(key)
    if cached is None or cached[0] < time.monotonic():
        task = asyncio.ensure_future(_ask_organizations(request, viewer))
        cached = cache[key] = (time.monotonic() + CACHE_SECONDS, task)
    try:
        return await asyncio.shield(cached[1])
    except Exception:
        cache.pop(key, None)
        raise


async def _ask_organizations(request: Request, viewer: Viewer) -> frozenset[str]:
    async with read_as(request, viewer) as conn:
        return frozenset(str(o["id"]) for o in await q.visible_organizations(conn))


async def _scope(request: Request, viewer: Viewer) -> str | Response | None:
    """The account the stream is narrowed to (None: all); a 404 response when not visible."""
    account, job = request.query_params.get("account"), request.query_params.get("job")
    if job is not None:
        async with read_as(request, viewer) as conn:
            job_id = job_id_of(job)
            access = None if job_id is None else await q.job_access(conn, job_id)
        if access is None:
            return json_response({"error": "no such job"}, 404)
        return str(access["account_id"])
    if account is not None:
        async with read_as(request, viewer) as conn:
            access = await q.account_access(conn, account) if ACCOUNT_ID.match(account) else None
        if access is None:
            return json_response({"error": "no such account"}, 404)
    return account


@api
async def events(request: Request, viewer: Viewer) -> Response:
    hub = console_of(request).hub
    hub.start()  # the app's lifespan starts it; an app served without lifespan, here
    account = await _scope(request, viewer)
    if isinstance(account, Response):
        return account
    wanted = Filter(await _organizations(request, viewer), account)
    last = request.headers.get("last-event-id") or request.query_params.get("after")
    refresh = None if viewer.operator else functools.partial(_organizations, request, viewer)
    expires = float(viewer.claims.get("exp", 0)) if viewer.claims else None
    sub = hub.subscribe(wanted, refresh, expires)
    missed = hub.missed(last, wanted) if last else []
    return EventSourceResponse(
        _stream(hub, sub, missed),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(hub: Hub, sub: Subscription, missed: list[Event] | None) -> AsyncIterator[bytes]:
    try:
        if missed is None:
            yield _resync(hub)
        if missed:
            yield b"".join(e.wire for e in missed)
        while True:
            items = [await sub.queue.get()]
            while not sub.queue.empty():  # what queued meanwhile goes in one write
                items.append(sub.queue.get_nowait())
            resync, sub.behind = sub.behind, False
            frames: list[bytes] = []
            for item in items:
                if item == END:
                    break
                if item == RESYNC:
                    resync, frames = True, []  # a gap: what came before it is stale anyway
                elif isinstance(item, Event):
                    frames.append(item.wire)
            yield (_resync(hub) if resync else b"") + b"".join(frames)
            if END in items:
                return
    finally:
        hub.unsubscribe(sub)
