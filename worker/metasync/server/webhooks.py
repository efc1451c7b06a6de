"""Routes ``GET /webhooks/meta`` (subscription verification) and ``POST /webhooks/meta`` (events).

POST, in this order (nothing is stored unless every check passes):

    no app secret configured        503
    body larger than the limit      413  (Content-Length, or counted while reading; never read on)
    missing / bad signature         401  (HMAC-SHA256 of the raw body, compared in constant time)
    not JSON                        400
    JSON but not a delivery we take 422  (unknown ``object``, no ``entry`` list, change w/o field)
    database unavailable            503  (Meta retries the delivery)
    stored (new or duplicate)       200  {"received": n, "new": m}, then processed in background
"""

from __future__ import annotations

import json
import logging

import psycopg
from psycopg_pool import PoolTimeout
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from metasync.server.context import ServerContext
from metasync.server.deliveries import UnsupportedDelivery, parse_delivery, store_changes
from metasync.server.signatures import signature_is_valid, token_matches

log = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    pass


async def verify_subscription(request: Request) -> Response:
    """Echo ``hub.challenge`` when ``hub.verify_token`` matches the configured token, else 403."""
    context: ServerContext = request.app.state.context
    expected = context.settings.webhook_verify_token
    params = request.query_params
    if (
        expected is None
        or params.get("hub.mode") != "subscribe"
        or not token_matches(params.get("hub.verify_token"), expected.get_secret_value())
    ):
        return PlainTextResponse("forbidden", status_code=403)
    return PlainTextResponse(params.get("hub.challenge", ""))


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, refusing (BodyTooLarge) as soon as it exceeds ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


async def receive_events(request: Request) -> Response:
    context: ServerContext = request.app.state.context
    secret = context.settings.meta_app_secret
    if secret is None:
        return PlainTextResponse("webhooks are not configured", status_code=503)
    try:
        body = await read_limited(request, context.settings.webhook_max_body_bytes)
    except BodyTooLarge:
        return PlainTextResponse("body too large", status_code=413)
    signature = request.headers.get("x-hub-signature-256")
    if not signature_is_valid(body, signature, secret.get_secret_value()):
        log.warning("webhook refused: bad or missing signature")
        return PlainTextResponse("bad signature", status_code=401)
    try:
        payload = json.loads(body)
    except ValueError:  # includes UnicodeDecodeError
        return PlainTextResponse("malformed JSON", status_code=400)
    try:
        changes = parse_delivery(payload)
    except UnsupportedDelivery as exc:
        return PlainTextResponse(str(exc), status_code=422)
    try:
        async with context.db.connection() as conn, conn.transaction():
            new_ids = await store_changes(conn, changes, context.clock())
    except (psycopg.Error, PoolTimeout) as exc:  # Meta retries a failed delivery for 36 hours
        log.error("webhook not stored", extra={"error": str(exc)})
        return PlainTextResponse("storage unavailable", status_code=503)
    log.info("webhook stored", extra={"changes": len(changes), "new": len(new_ids)})
    background = BackgroundTask(context.process_pending) if new_ids else None
    return JSONResponse({"received": len(changes), "new": len(new_ids)}, background=background)
