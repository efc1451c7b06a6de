"""Connect with Meta on `metasync serve`: the start, Meta's redirect back, the app callbacks.

GET  /connect/meta?org=<name|id>[&connection=<id>][&rerequest=1]   303 to Meta's login dialog
GET  /connect/meta/callback?code&state | ?error=access_denied...     303 to the picker | a page
GET  /connect/meta/accounts?grant=<id>                                the account picker
POST /connect/meta/accounts                                           303 to the phase-1 job page
GET  /connect/meta/attention                                          connections needing the user
POST /connect/meta/deauthorize    (signed_request)                    200 | 400 | 404
POST /connect/meta/deletion       (signed_request)                    200 {url, confirmation_code}
GET  /connect/meta/deletion/{code}                                    the request's status page
"""

from __future__ import annotations

import logging
from uuid import UUID

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from metasync.connect import callbacks, oauth, pages, picker
from metasync.connect.context import context_of, is_operator, session_hash, session_of, set_session
from metasync.connect.flow import LoginError, complete_login
from metasync.console.web import read_as, viewer_of
from metasync.db import connect as q
from metasync.db.errors import MetaSyncDatabaseError
from metasync.redaction import register_secret

log = logging.getLogger(__name__)
START_AGAIN = "Start again from Connect Meta Ads."


def connect_routes() -> list[Route]:
    return [
        Route("/connect/meta", start, methods=["GET"]),
        Route("/connect/meta/callback", callback, methods=["GET"]),
        Route("/connect/meta/accounts", picker.show, methods=["GET"]),
        Route("/connect/meta/accounts", picker.submit, methods=["POST"]),
        Route("/connect/meta/attention", callbacks.attention, methods=["GET"]),
        Route("/connect/meta/deauthorize", callbacks.deauthorize, methods=["POST"]),
        Route("/connect/meta/deletion", callbacks.deletion, methods=["POST"]),
        Route("/connect/meta/deletion/{code}", callbacks.deletion_status, methods=["GET"]),
    ]


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


async def may_connect(request: Request, organization_id: UUID) -> bool:
    """The operator (Bearer METASYNC_CONSOLE_TOKEN, or signed in to the console), or a
    signed-in owner or admin of the organisation (asked as that user, so RLS decides)."""
    if is_operator(request, context_of(request).settings):
        return True
    viewer = await viewer_of(request)
    if viewer is None:
        return False
    if viewer.operator:
        return True
    async with read_as(request, viewer) as conn:
        return await q.is_organization_admin(conn, organization_id)


async def start(request: Request) -> Response:
    """Who may: the operator, or an admin of the organisation. Opens Meta's login dialog."""
    ctx = context_of(request)
    if not is_operator(request, ctx.settings) and await viewer_of(request) is None:
        return pages.message("Sign in first", "Sign in to the console first (/console/login).", 401)
    app = ctx.app
    if app is None:
        return pages.message("Not configured", "METASYNC_META_APP_ID and "
                             "METASYNC_META_APP_SECRET must be set.", 503)  # fmt: skip
    ref = request.query_params.get("org", "")
    connection = _uuid(request.query_params.get("connection"))
    if request.query_params.get("connection") and connection is None:
        return pages.message("Unknown connection", "connection must be a connection id.", 400)
    async with ctx.db.connection() as conn:
        org = await q.find_organization(conn, ref) if ref.strip() else None
    # An organisation the viewer may not connect looks like one that does not exist.
    if org is None or not await may_connect(request, org[0]):
        return pages.message(
            "Unknown organisation", f"No organisation {ref!r} that you administer.", 404
        )
    async with ctx.db.connection() as conn:
        session = session_of(request) or oauth.new_secret()
        state = oauth.new_secret()
        redirect = oauth.redirect_uri(ctx.settings.public_url)
        rerequest = request.query_params.get("rerequest") == "1"
        try:
            await q.begin_state(
                conn, state_hash=oauth.digest(state), session_hash=session_hash(session),
                organization_id=org[0], connection_id=connection, redirect_uri=redirect,
                scopes=ctx.settings.oauth_scope_list, rerequest=rerequest,
                requested_by="operator", now=ctx.clock(),
            )  # fmt: skip
        except MetaSyncDatabaseError as exc:
            return pages.message("Cannot connect", str(exc), 400)
    url = oauth.dialog_url(
        ctx.settings.oauth_dialog_url, ctx.settings.graph_api_version, app_id=app.app_id,
        redirect=redirect, state=state, scopes=ctx.settings.oauth_scope_list, rerequest=rerequest,
    )  # fmt: skip
    response = RedirectResponse(url, status_code=303)
    set_session(response, session, ctx.secure_cookies)
    return response


async def callback(request: Request) -> Response:
    """Meta's redirect back: the state is checked and used up before anything else."""
    ctx = context_of(request)
    params = request.query_params
    register_secret(params.get("code"))  # whatever happens next, the code is never logged
    session, state = session_of(request), params.get("state", "")
    if session is None or not state:
        return pages.message("Login not recognised", "This browser did not start this login "
                             f"(no session or no state). {START_AGAIN}", 400)  # fmt: skip
    async with ctx.db.connection() as conn:
        try:
            login = await q.consume_state(
                conn, oauth.digest(state), session_hash(session), ctx.clock()
            )
        except MetaSyncDatabaseError as exc:
            return pages.message("Login not accepted", f"{exc}. {START_AGAIN}", 400)
    again = pages.connect_url(str(login.organization_id),
                              connection=str(login.connection_id or ""))  # fmt: skip
    if params.get("error"):
        reason = params.get("error_description") or params.get("error_reason") or params["error"]
        return pages.message("Login cancelled", f"Nothing was connected ({reason}).", 200,
                             again=again)  # fmt: skip
    code, app = params.get("code", ""), ctx.app
    if not code or app is None:
        return pages.message("Login not accepted", "Meta sent no code.", 400, again=again)
    try:
        async with ctx.graph() as graph:
            grant = await complete_login(graph, app, code, login.redirect_uri)
    except LoginError as exc:
        log.warning("connect: login failed", extra={"error": str(exc)})
        return pages.message("Login failed", str(exc), exc.status, again=again)
    missing = grant.missing(login.scopes)
    return await picker.after_login(request, login, grant, missing, session)
