"""The control API under ``/__emulator/``: clock, ground truth, credentials, stats, faults, reset,
webhook deliveries. Never counted as Graph calls, never faulted, no token needed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from metasync.emulator.clock import parse_time

if TYPE_CHECKING:
    from metasync.emulator.app import Emulator

P = "/__emulator"


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    return dict(json.loads(raw)) if raw.strip() else {}


def _bad(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


def control_routes(emu: Emulator) -> list[Route]:
    async def clock(request: Request) -> Response:
        if request.method in ("PUT", "POST"):
            body = await _json(request)
            emu.clock.set(parse_time(str(body["now"])))
        return JSONResponse(emu.clock_info())

    async def advance(request: Request) -> Response:
        body = await _json(request)
        delta = timedelta(
            days=float(body.get("days", 0)),
            hours=float(body.get("hours", 0)),
            seconds=float(body.get("seconds", 0)),
        )
        emu.clock.advance(delta)
        return JSONResponse(emu.clock_info())

    async def credentials(request: Request) -> Response:
        return JSONResponse(emu.credentials)

    async def entities(request: Request) -> Response:
        try:
            return JSONResponse(emu.truth_entities(request.query_params["account_id"]))
        except KeyError as err:
            return _bad(str(err))

    async def insights(request: Request) -> Response:
        q = request.query_params
        try:
            rows = emu.truth_insights(
                q["account_id"], date.fromisoformat(q["since"]), date.fromisoformat(q["until"])
            )
            statuses = emu.truth_ad_status(q["account_id"])
        except (KeyError, ValueError) as err:
            return _bad(f"account_id, since and until (YYYY-MM-DD) are required: {err}")
        return JSONResponse({"data": rows, "ad_status": statuses, "clock": emu.clock_info()["now"]})

    async def stats(request: Request) -> Response:
        return JSONResponse(emu.stats)

    async def calls(request: Request) -> Response:
        limit = int(request.query_params.get("limit", 100))
        return JSONResponse({"data": emu.call_log(limit)})

    async def faults(request: Request) -> Response:
        if request.method == "PUT":
            try:
                emu.set_faults(**(await _json(request)))
            except (ValueError, TypeError) as err:
                return _bad(str(err))
        return JSONResponse(emu.faults)

    async def reset(request: Request) -> Response:
        emu.reset()
        return JSONResponse({"ok": True, **emu.clock_info()})

    async def webhooks(request: Request) -> Response:
        body = await _json(request)
        if "url" not in body:
            return _bad("url is required")
        report = await emu.deliver_webhooks(
            str(body["url"]),
            body.get("account_id"),
            str(body.get("field", "with_issues_ad_objects")),
            int(body.get("count", 10)),
        )
        return JSONResponse(report)

    async def webhook_verify(request: Request) -> Response:
        body = await _json(request)
        if "url" not in body or "verify_token" not in body:
            return _bad("url and verify_token are required")
        return JSONResponse(await emu.verify_webhook(str(body["url"]), str(body["verify_token"])))

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "world": emu.world_name, "seed": emu.seed})

    return [
        Route(f"{P}/health", health),
        Route(f"{P}/clock", clock, methods=["GET", "PUT", "POST"]),
        Route(f"{P}/clock/advance", advance, methods=["POST"]),
        Route(f"{P}/credentials", credentials),
        Route(f"{P}/truth/entities", entities),
        Route(f"{P}/truth/insights", insights),
        Route(f"{P}/stats", stats),
        Route(f"{P}/calls", calls),
        Route(f"{P}/faults", faults, methods=["GET", "PUT"]),
        Route(f"{P}/reset", reset, methods=["POST"]),
        Route(f"{P}/webhooks/deliver", webhooks, methods=["POST"]),
        Route(f"{P}/webhooks/verify", webhook_verify, methods=["POST"]),
    ]
