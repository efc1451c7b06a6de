"""The bench's Server-Sent Events reader: plain sockets, chunked decoding, frames counted and
(for timed streams) matched with the bench's own NOTIFY arrival times."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

KEY_FIELDS = (
    "job_id",
    "status",
    "completed_chunks",
    "failed_chunks",
    "total_chunks",
    "progress_percentage",
    "insight_rows_written",
    "api_calls",
)


def event_key(data: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(data.get(k)) for k in KEY_FIELDS)


@dataclass
class Tally:
    """What the streams received (``opened``: answered 200)."""

    opened: int = 0
    failed: list[str] = field(default_factory=list)
    deliveries: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    fanout_ms: list[float] = field(default_factory=list)
    unmatched: int = 0
    resyncs: int = 0


class Chunked:
    """Decodes an HTTP/1.1 chunked body as it arrives."""

    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        out = []
        while True:
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                break
            size = int(self.buffer[:line_end].split(b";")[0] or b"0", 16)
            if len(self.buffer) < line_end + 2 + size + 2:
                break
            out.append(self.buffer[line_end + 2 : line_end + 2 + size])
            self.buffer = self.buffer[line_end + 2 + size + 2 :]
        return b"".join(out)


async def one_stream(
    server: str, token: str, tally: Tally, seen: dict[tuple[str, ...], list[float]], timed: bool
) -> None:
    """Read one stream over a plain socket until cancelled; every frame is counted, a ``timed``
    stream also matches each event with the bench's own NOTIFY arrival. (A full HTTP client
    per stream would measure this process, not the server: 500 of them share one core.)"""
    host, port = server.removeprefix("http://").split(":")
    counts: Counter[tuple[str, ...]] = Counter()
    reader, writer = await asyncio.open_connection(host, int(port), limit=1 << 20)
    try:
        writer.write(
            f"GET /console/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            tally.failed.append(head.split(b"\r\n", 1)[0].decode())
            return
        tally.opened += 1
        body, rest = Chunked(), b""
        while data := await reader.read(1 << 16):
            now = time.time()
            *frames, rest = (rest + body.feed(data)).split(b"\r\n\r\n")
            for raw in frames:
                if b"event: job" not in raw:
                    tally.resyncs += b"event: resync" in raw
                    continue
                tally.deliveries += 1
                if timed:
                    _timed(json.loads(raw.rsplit(b"data: ", 1)[1]), now, tally, seen, counts)
    except (OSError, asyncio.IncompleteReadError) as exc:
        tally.failed.append(type(exc).__name__)
    finally:
        writer.close()


def _timed(
    data: dict[str, Any],
    now: float,
    tally: Tally,
    seen: dict[tuple[str, ...], list[float]],
    counts: Counter[tuple[str, ...]],
) -> None:
    key = event_key(data)
    times = seen.get(key, [])
    tally.fanout_ms.append((now - float(data["received_at"])) * 1000)
    if counts[key] < len(times):
        tally.latencies_ms.append((now - times[counts[key]]) * 1000)
    else:
        tally.unmatched += 1
    counts[key] += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)
