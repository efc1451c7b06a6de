"""Cursor paging: opaque, expiring cursors and Meta's paging envelope (``next`` = a full URL)."""

from __future__ import annotations

import base64
import json
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from meta_emulator.errors import invalid
from meta_emulator.rand import unit

Row = dict[str, Any]


@dataclass(frozen=True)
class Cursor:
    position: int  # first slot of the next page
    page: int  # page counter, so repeated empty pages still differ
    issued: float  # emulator clock (unix) when handed out
    query: str  # fingerprint of the query the cursor belongs to

    def encode(self) -> str:
        raw = json.dumps([self.position, self.page, round(self.issued), self.query]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode(text: str, query: str, now: float, ttl: float) -> Cursor:
        try:
            pos, page, issued, fingerprint = json.loads(
                base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            )
            cursor = Cursor(int(pos), int(page), float(issued), str(fingerprint))
        except (ValueError, TypeError):
            raise invalid("Invalid cursor") from None
        if cursor.query != query:
            raise invalid("The cursor does not belong to this request")
        if now - cursor.issued > ttl:
            raise invalid("The cursor has expired; start paging again")
        return cursor


@dataclass(frozen=True)
class PageRequest:
    url: str  # full URL of this request without paging params
    params: dict[str, str]
    limit: int
    after: Cursor | None
    seed: int
    short_rate: float
    empty_rate: float
    now: float
    before: Cursor | None = None


def page_size(req: PageRequest, fingerprint: str, page: int, position: int) -> int:
    """The page length: `limit`, or shorter/empty when the quirk fires for this page."""
    if not req.empty_rate and not req.short_rate:
        return req.limit
    roll = unit(req.seed, "page", fingerprint, position, page)
    if roll < req.empty_rate:
        return 0
    if roll < req.empty_rate + req.short_rate:
        return max(1, int(req.limit * unit(req.seed, "short", position, page)))
    return req.limit


def paginate(
    req: PageRequest, fingerprint: str, rows: Callable[[int], Iterator[tuple[int, Row]]]
) -> dict[str, Any]:
    """One page of `rows(start)` (pairs of slot position and row) in Meta's envelope; with a
    ``before`` cursor, the `limit` rows just before that cursor's page."""
    start = req.after.position if req.after else 0
    if req.before is not None:
        start = _back(rows, req.before.position, req.limit)
    cursor = req.after or req.before
    page = cursor.page + 1 if cursor else 0
    size = page_size(req, fingerprint, page, start)
    data: list[Row] = []
    next_position: int | None = None
    end = start
    for pos, row in rows(start):
        if len(data) >= size:
            next_position = pos
            break
        data.append(row)
        end = pos + 1
    after = Cursor(next_position if next_position is not None else end, page, req.now, fingerprint)
    before = Cursor(start, page, req.now, fingerprint)
    paging: dict[str, Any] = {"cursors": {"before": before.encode(), "after": after.encode()}}
    if next_position is not None:
        params = {**req.params, "limit": str(req.limit), "after": after.encode()}
        paging["next"] = f"{req.url}?{urlencode(params)}"
    if req.after is not None or (req.before is not None and start > 0):
        params = {**req.params, "limit": str(req.limit), "before": before.encode()}
        paging["previous"] = f"{req.url}?{urlencode(params)}"
    return {"data": data, "paging": paging}


def _back(rows: Callable[[int], Iterator[tuple[int, Row]]], end: int, limit: int) -> int:
    """The position of the first of the last `limit` rows before position `end`."""
    window: deque[int] = deque(maxlen=limit)
    for pos, _ in rows(0):
        if pos >= end:
            break
        window.append(pos)
    return window[0] if window else 0
