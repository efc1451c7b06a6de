"""The console served for real (uvicorn in a thread, on a free port) and an SSE reader."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from metasync.server.app import create_app
from metasync.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    url: str
    app: Starlette


@contextmanager
def serve(settings: Settings, database_url: str) -> Iterator[Live]:
    """``metasync serve``'s app on 127.0.0.1 (its own pool and LISTEN, in the server's loop)."""
    app = create_app(settings, database_url, sweep_seconds=None)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    hub = app.state.console.hub
    while not (server.started and hub.listening.is_set()):
        assert time.monotonic() < deadline, "the console did not start"
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Sse:
    id: str | None
    event: str
    data: dict[str, Any]
    at: float


async def read_events(response: httpx.Response) -> AsyncIterator[Sse]:
    """Parse a text/event-stream response into events (comments and pings skipped)."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in fields:
                yield Sse(
                    fields.get("id"),
                    fields.get("event", "message"),
                    json.loads(fields["data"]),
                    time.monotonic(),
                )
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value


async def next_event(events: AsyncIterator[Sse]) -> Sse:
    """The next event, within 10 s."""
    return await asyncio.wait_for(anext(events), 10.0)
