"""A whole fake Graph server per test: a handler function behind httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx

from metasync.graph import GraphClient, RetryPolicy
from metasync.graph.governor import Governor
from metasync.graph.ratelimit import InMemoryUsageStore

TOKEN = "EAAtoken-SECRET-123"
APP_SECRET = "app-secret-XYZ-789"
BASE = "https://graph.test"

Handler = Callable[[httpx.Request], httpx.Response]


def error(
    code: int, subcode: int | None = None, message: str = "boom", **extra: Any
) -> dict[str, Any]:
    err: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    err["fbtrace_id"] = "Atrace123"
    return {"error": err | extra}


def reply(
    status: int = 200, body: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    if isinstance(body, str | bytes):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


def params(request: httpx.Request) -> dict[str, str]:
    """Query params of a GET, form fields of a POST (single values)."""
    if request.method == "POST":
        form = parse_qs(request.content.decode())
        return {k: v[0] for k, v in form.items()}
    return dict(request.url.params)


def batch_items(request: httpx.Request) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(params(request)["batch"])
    return items


class Clock:
    """A settable clock for the governor (datetime) and a fake sleep that advances it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return (self.now - datetime(2026, 1, 1, tzinfo=UTC)).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


class Server:
    """Records every request and answers with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def make_client(
    handler: Handler,
    *,
    clock: Clock | None = None,
    governor: bool = False,
    attempts: int = 4,
) -> tuple[GraphClient, Server, Clock]:
    clock = clock or Clock()
    server = Server(handler)
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    gov = Governor(InMemoryUsageStore(), clock=clock, sleep=clock.sleep) if governor else None
    client = GraphClient(
        http,
        base_url=BASE,
        api_version="v25.0",
        app_secret=APP_SECRET,
        access_token=TOKEN,
        governor=gov,
        retry=RetryPolicy(attempts=attempts, initial_seconds=1, max_seconds=8, jitter_seconds=0.5),
        sleep=clock.sleep,
    )
    return client, server, clock
