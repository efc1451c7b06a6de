"""What the console's routes share: its state, the viewer of a request, reading as the viewer."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
import psycopg
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from metasync.console.auth import COOKIE, Authenticator, AuthError, Viewer
from metasync.console.events import Hub
from metasync.db import console as q
from metasync.settings import Settings

if TYPE_CHECKING:
    from metasync.server.database import Database

Handler = Callable[[Request], Awaitable[Response]]
ViewerHandler = Callable[[Request, Viewer], Awaitable[Response]]


@dataclass
class Console:
    settings: Settings
    db: Database
    auth: Authenticator
    hub: Hub
    templates: jinja2.Environment
    # user id -> (fresh until, the organisations they may read): shared by their streams
    org_cache: dict[str, tuple[float, asyncio.Future[frozenset[str]]]] = field(default_factory=dict)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


async def viewer_of(request: Request) -> Viewer | None:
    """The signed-in viewer; None when there are no (or no valid) credentials."""
    if "viewer" not in request.scope:
        try:
            viewer = await console_of(request).auth.from_headers(
                request.headers.get("authorization"), request.cookies.get(COOKIE)
            )
        except AuthError:
            viewer = None
        request.scope["viewer"] = viewer
    found: Viewer | None = request.scope["viewer"]
    return found


def page(handler: ViewerHandler) -> Handler:
    """A page: without a viewer, a redirect to the sign-in page (back here afterwards)."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        viewer = await viewer_of(request)
        if viewer is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)
        return await handler(request, viewer)

    return wrapped


def api(handler: ViewerHandler) -> Handler:
    """A stream or an action: without a viewer, 401."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        viewer = await viewer_of(request)
        if viewer is None:
            return JSONResponse(
                {"error": "sign in first (Bearer token or the console session)"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="metasync console"'},
            )
        return await handler(request, viewer)

    return wrapped


@asynccontextmanager
async def read_as(request: Request, viewer: Viewer) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    """A transaction running with the viewer's identity (the operator: the server's role)."""
    async with console_of(request).db.connection() as conn, conn.transaction():
        if not viewer.operator:
            assert viewer.claims is not None
            await q.act_as_viewer(conn, viewer.claims)
        yield conn


def render(
    request: Request, viewer: Viewer, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    console = console_of(request)
    html = console.templates.get_template(template).render(
        viewer=viewer,
        csrf=console.auth.csrf_token(request.cookies.get(COOKIE)) if viewer.via_cookie else "",
        path=request.url.path,
        query=request.url.query,
        last_event_id=console.hub.last_id,
        notice=request.query_params.get("notice"),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def not_found(request: Request, viewer: Viewer, what: str) -> HTMLResponse:
    """The same answer for what does not exist and for what the viewer may not see."""
    return render(request, viewer, "not_found.html", status=404, what=what)


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def json_response(data: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(data, default=str), status_code=status, media_type="application/json"
    )


MAX_ID = 2**63 - 1  # bigint: a larger job id cannot exist


def job_id_of(value: object) -> int | None:
    """A job id from a path or query value; None when it cannot name a job."""
    text = str(value)
    return int(text) if text.isdigit() and int(text) <= MAX_ID else None


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


MAX_FORM_BYTES = 65536


async def form_of(request: Request) -> dict[str, str]:
    """An url-encoded form body (the console's forms post nothing else); {} when none."""
    from urllib.parse import parse_qsl

    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def same_origin(request: Request) -> bool:
    """A browser's Origin (when sent) names this server."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def safe_next(target: str | None, default: str = "/console") -> str:
    """Only a path of this console: never another host ("//evil", "https://...")."""
    if not target or not target.startswith("/console") or target.startswith("//"):
        return default
    return target if "\\" not in target else default
