"""Meta's app callbacks (Deauthorize, Data Deletion Request), the deletion status page and the
connections that need their person again.

Both callbacks are form posts with ``signed_request``, verified with the app secret in constant
time before anything is read from it; a bad one is 400, a user with nothing here 404, and in
both cases nothing is changed or recorded.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from metasync.connect import oauth, pages
from metasync.connect.context import ConnectContext, context_of, is_operator
from metasync.db import connect as q
from metasync.db.errors import MetaSyncDatabaseError, NotFoundError

log = logging.getLogger(__name__)
MAX_BODY = 16_384


async def _verified(request: Request, ctx: ConnectContext) -> oauth.SignedRequest | Response:
    secret = ctx.settings.meta_app_secret
    if secret is None:
        return JSONResponse({"error": "METASYNC_META_APP_SECRET is not set"}, status_code=503)
    body = await request.body()
    if len(body) > MAX_BODY:
        return JSONResponse({"error": "body too large"}, status_code=413)
    signed = dict(parse_qsl(body.decode("utf-8", "replace"))).get("signed_request", "")
    try:
        return oauth.parse_signed_request(signed, secret.get_secret_value())
    except oauth.SignedRequestError as exc:
        log.warning("connect: signed_request refused", extra={"error": str(exc)})
        return JSONResponse({"error": str(exc)}, status_code=400)


def _refused(exc: MetaSyncDatabaseError) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=404 if isinstance(exc, NotFoundError)
                        else 400)  # fmt: skip


async def deauthorize(request: Request) -> Response:
    ctx = context_of(request)
    verified = await _verified(request, ctx)
    if isinstance(verified, Response):
        return verified
    async with ctx.db.connection() as conn:
        try:
            revoked = await q.revoke_user(conn, verified.user_id, ctx.clock())
        except MetaSyncDatabaseError as exc:
            return _refused(exc)
    log.info("connect: deauthorized", extra={"meta_user_id": verified.user_id,
                                             "revoked": revoked})  # fmt: skip
    return JSONResponse({"revoked": revoked})


async def deletion(request: Request) -> Response:
    ctx = context_of(request)
    verified = await _verified(request, ctx)
    if isinstance(verified, Response):
        return verified
    code = oauth.confirmation_code()
    async with ctx.db.connection() as conn:
        try:
            tokens, accounts = await q.delete_user_data(conn, verified.user_id, code, ctx.clock())
        except MetaSyncDatabaseError as exc:
            return _refused(exc)
    log.info("connect: data deleted", extra={"meta_user_id": verified.user_id,
             "connections": tokens, "accounts": accounts})  # fmt: skip
    url = f"{ctx.settings.public_url.rstrip('/')}/connect/meta/deletion/{code}"
    return JSONResponse({"url": url, "confirmation_code": code})


async def deletion_status(request: Request) -> Response:
    ctx = context_of(request)
    code = request.path_params["code"]
    async with ctx.db.connection() as conn:
        row = await q.deletion_request(conn, code)
    if row is None:
        return pages.message("Unknown request", "No data deletion request has this code.", 404)
    return pages.deletion_status(row)


async def attention(request: Request) -> Response:
    ctx = context_of(request)
    if not is_operator(request, ctx.settings):
        return pages.message("Sign in first", "Only a signed-in operator may see this.", 401)
    async with ctx.db.connection() as conn:
        rows = await q.attention(conn)
    return pages.attention(rows)
