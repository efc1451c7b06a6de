"""The control API under ``/__emulator/``: clock, ground truth, credentials, stats, faults, reset,
webhook deliveries. Never counted as Graph calls, never faulted, no token needed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from meta_emulator.clock import parse_time
from meta_emulator.errors import ErrorReply
from meta_emulator.openapi import spec

if TYPE_CHECKING:
    from meta_emulator.app import Emulator

P = "/__emulator"
SPLITS = ("breakdowns", "action_breakdowns")


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    return dict(json.loads(raw)) if raw.strip() else {}


def _bad(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


class Control:
    """One handler per control route, over an `Emulator`."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    def routes(self) -> list[Route]:
        return [
            Route(f"{P}/health", self.health),
            Route(f"{P}/openapi.json", self.openapi),
            Route(f"{P}/clock", self.clock, methods=["GET", "PUT", "POST"]),
            Route(f"{P}/clock/advance", self.advance, methods=["POST"]),
            Route(f"{P}/credentials", self.credentials),
            Route(f"{P}/truth/entities", self.entities),
            Route(f"{P}/truth/insights", self.insights),
            Route(f"{P}/stats", self.stats),
            Route(f"{P}/calls", self.calls),
            Route(f"{P}/faults", self.faults, methods=["GET", "PUT"]),
            Route(f"{P}/reset", self.reset, methods=["POST"]),
            Route(f"{P}/webhooks/deliver", self.deliver, methods=["POST"]),
            Route(f"{P}/webhooks/verify", self.verify, methods=["POST"]),
        ]

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True, "world": self.emu.world_name, "seed": self.emu.seed})

    async def openapi(self, request: Request) -> Response:
        from meta_emulator import __version__

        return JSONResponse(spec(__version__))

    async def clock(self, request: Request) -> Response:
        if request.method in ("PUT", "POST"):
            self.emu.clock.set(parse_time(str((await _json(request))["now"])))
        return JSONResponse(self.emu.clock_info())

    async def advance(self, request: Request) -> Response:
        body = await _json(request)
        units = {k: float(body.get(k, 0)) for k in ("days", "hours", "seconds")}
        self.emu.clock.advance(timedelta(**units))
        return JSONResponse(self.emu.clock_info())

    async def credentials(self, request: Request) -> Response:
        return JSONResponse(self.emu.credentials)

    async def entities(self, request: Request) -> Response:
        try:
            return JSONResponse(self.emu.truth_entities(request.query_params["account_id"]))
        except KeyError as err:
            return _bad(f"account_id is required and must exist: {err}")

    async def insights(self, request: Request) -> Response:
        q = request.query_params
        names = {k: tuple(v for v in q.get(k, "").split(",") if v) for k in SPLITS}
        try:
            since, until = date.fromisoformat(q["since"]), date.fromisoformat(q["until"])
            rows = self.emu.truth_insights(
                q["account_id"],
                since,
                until,
                names["breakdowns"],
                names["action_breakdowns"] or ("action_type",),
            )
            statuses = self.emu.truth_ad_status(q["account_id"])
        except ErrorReply as err:
            return _bad(err.message)
        except (KeyError, ValueError) as err:
            return _bad(f"account_id, since and until (YYYY-MM-DD) are required: {err}")
        return JSONResponse(
            {"data": rows, "ad_status": statuses, "clock": self.emu.clock_info()["now"]}
        )

    async def stats(self, request: Request) -> Response:
        return JSONResponse(self.emu.stats)

    async def calls(self, request: Request) -> Response:
        limit = int(request.query_params.get("limit", 100))
        return JSONResponse({"data": self.emu.call_log(limit)})

    async def faults(self, request: Request) -> Response:
        if request.method == "PUT":
            try:
                self.emu.set_faults(**(await _json(request)))
            except (ValueError, TypeError) as err:
                return _bad(str(err))
        return JSONResponse(self.emu.faults)

    async def reset(self, request: Request) -> Response:
        self.emu.reset()
        return JSONResponse({"ok": True, **self.emu.clock_info()})

    async def deliver(self, request: Request) -> Response:
        body = await _json(request)
        if "url" not in body:
            return _bad("url is required")
        field = str(body.get("field", "with_issues_ad_objects"))
        report = await self.emu.deliver_webhooks(
            str(body["url"]), body.get("account_id"), field, int(body.get("count", 10))
        )
        return JSONResponse(report)

    async def verify(self, request: Request) -> Response:
        body = await _json(request)
        if "url" not in body or "verify_token" not in body:
            return _bad("url and verify_token are required")
        return JSONResponse(
            await self.emu.verify_webhook(str(body["url"]), str(body["verify_token"]))
        )
