"""Batch requests: ``POST /`` with ``batch=[{method, relative_url, body}]``, at most 50 items.

Each item is served like a call of its own (counted, quota'd, maybe faulted) and answered as
``{"code", "headers": [{"name", "value"}], "body": "<json string>"}``, or ``null`` (timed out).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from meta_emulator.errors import invalid
from meta_emulator.graph import Call, serve
from meta_emulator.runtime import Runtime

MAX_ITEMS = 50


def parse_batch(raw: str) -> list[dict[str, Any]]:
    try:
        items = json.loads(raw)
    except ValueError:
        raise invalid("Param batch must be a JSON array") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise invalid("Param batch must be a JSON array of objects")
    if len(items) > MAX_ITEMS:
        raise invalid(f"Too many requests in batch message. Maximum batch size is {MAX_ITEMS}")
    return items


def item_call(item: dict[str, Any], shared: dict[str, str], base_url: str) -> Call:
    url = urlsplit(str(item.get("relative_url", "")))
    params = {**shared, **dict(parse_qsl(url.query, keep_blank_values=True))}
    if item.get("body"):
        params.update(dict(parse_qsl(str(item["body"]), keep_blank_values=True)))
    path = url.path if url.path.startswith("/") else "/" + url.path
    return Call(str(item.get("method", "GET")).upper(), path, params, base_url, batch=True)


def serve_batch(
    rt: Runtime, raw: str, shared: dict[str, str], base_url: str
) -> list[dict[str, Any] | None]:
    """Answer every item in request order."""
    rt.stats.batch_requests += 1
    answers: list[dict[str, Any] | None] = []
    for item in parse_batch(raw):
        if rt.faults.roll(rt.faults.faults.batch_null):
            rt.stats.record(
                {"t": rt.clock.timestamp(), "kind": "batch_null", "batch": True, "status": None}
            )
            answers.append(None)
            continue
        answer = serve(rt, item_call(item, shared, base_url))
        answers.append(
            {
                "code": answer.status,
                "headers": [{"name": k, "value": v} for k, v in answer.headers.items()],
                "body": answer.body.decode("utf-8", "replace"),
            }
        )
    return answers
