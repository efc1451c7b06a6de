"""/console/events: Server-Sent Events of job progress, for the viewer's organisations only.

``?account=act_..`` or ``?job=N`` narrows the stream to one account (the job page follows the
account, so it sees the phase-2 job appear). ``Last-Event-ID`` (sent by EventSource on its own
reconnects) or ``?after=`` (the id printed into the page when it was rendered) resumes without
a gap; when the hub cannot replay what was missed, the stream starts with a ``resync`` event and
the page reads its state again. Which organisations a user may read is asked as the user (RLS)
when the stream opens and again every ``RECHECK_SECONDS``; the stream ends when the user's token
expires.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import Response

from metasync.console.auth import Viewer
from metasync.console.events import Event, Filter, Hub, Subscription
from metasync.console.pages import ACCOUNT_ID
from metasync.console.web import api, console_of, json_response, read_as
from metasync.db import console as q

RECHECK_SECONDS = 60.0
PING_SECONDS = 15


def _sse(event: Event, hub: Hub) -> dict[str, str]:
    return {
        "id": f"{hub.epoch}-{event.seq}",
        "event": "job",
        "data": json.dumps(event.data, default=str),
    }


def _resync(hub: Hub) -> dict[str, str]:
    return {"id": hub.last_id, "event": "resync", "data": "{}"}


async def _organizations(request: Request, viewer: Viewer) -> frozenset[str] | None:
    if viewer.operator:
        return None
    async with read_as(request, viewer) as conn:
        return frozenset(str(o["id"]) for o in await q.visible_organizations(conn))


async def _scope(request: Request, viewer: Viewer) -> str | Response | None:
    """The account the stream is narrowed to (None: all); a 404 response when not visible."""
    account, job = request.query_params.get("account"), request.query_params.get("job")
    if job is not None:
        async with read_as(request, viewer) as conn:
            access = await q.job_access(conn, int(job)) if job.isdigit() else None
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
    sub = hub.subscribe(wanted)
    missed = hub.missed(last, wanted) if last else []
    return EventSourceResponse(
        _stream(request, viewer, hub, sub, missed),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(
    request: Request, viewer: Viewer, hub: Hub, sub: Subscription, missed: list[Event] | None
) -> AsyncIterator[dict[str, str]]:
    expires = float(viewer.claims.get("exp", 0)) if viewer.claims else None
    recheck = time.monotonic() + RECHECK_SECONDS
    try:
        if missed is None:
            yield _resync(hub)
        for event in missed or []:
            yield _sse(event, hub)
        while expires is None or time.time() < expires:
            if sub.behind:
                sub.behind = False
                while not sub.queue.empty():
                    sub.queue.get_nowait()
                yield _resync(hub)
            try:
                event = await asyncio.wait_for(sub.queue.get(), max(recheck - time.monotonic(), 0))
                yield _sse(event, hub)
            except TimeoutError:
                recheck = time.monotonic() + RECHECK_SECONDS
                sub.filter = Filter(await _organizations(request, viewer), sub.filter.account_id)
    finally:
        hub.unsubscribe(sub)
