"""Batch requests: ``POST /`` with up to 50 items, each classified on its own.

An item answers ``{"code", "headers": [{"name", "value"}], "body": "<json string>"}`` or
``null`` (it timed out). Null and transient items are sent again (bounded); every other item
error is returned in place, never raised, so one bad item does not sink the other 49.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from metasync.graph.client import GraphClient
from metasync.graph.encoding import account_of, encode_params
from metasync.graph.errors import (
    GraphError,
    ThrottledError,
    TransientError,
    UnexpectedResponseError,
    classify,
)

log = logging.getLogger("metasync.graph.batch")

MAX_BATCH = 50
T = TypeVar("T")


@dataclass(frozen=True)
class BatchRequest:
    relative_url: str
    method: str = "GET"
    body: Mapping[str, Any] | None = None
    account_id: str | None = None

    def as_json(self) -> dict[str, str]:
        item = {"method": self.method, "relative_url": self.relative_url}
        if self.body:
            item["body"] = urlencode(encode_params(self.body))
        return item


@dataclass(frozen=True)
class BatchItem:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


BatchResult = BatchItem | GraphError


def chunked(items: Sequence[T], size: int = MAX_BATCH) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def item_headers(raw: Any) -> dict[str, str]:
    """``[{"name","value"}]`` -> a dict with lower-case names."""
    if not isinstance(raw, list):
        return {}
    return {
        str(h["name"]).lower(): str(h.get("value", ""))
        for h in raw
        if isinstance(h, dict) and "name" in h
    }


def decode_item(raw: Any, account_id: str | None = None) -> BatchResult | None:
    """One answer item: a success, its classified error, or ``None`` for a null (timed out)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), int):
        return UnexpectedResponseError("batch item without a status code")
    status, headers = raw["code"], item_headers(raw.get("headers"))
    body = raw.get("body")
    text = body if isinstance(body, str) else json.dumps(body)
    err = classify(status, text, headers, account_id=account_id)
    if err is not None:
        return err
    return BatchItem(status, json.loads(text), headers)


async def execute_batch(
    client: GraphClient,
    requests: Sequence[BatchRequest],
    *,
    access_token: str | None = None,
    retries: int = 3,
) -> list[BatchResult]:
    """Results in request order; chunks of 50; null/transient items retried ``retries`` times."""
    results: list[BatchResult | None] = [None] * len(requests)
    pending = list(range(len(requests)))
    for attempt in range(retries + 1):
        if attempt:
            await client.sleep(client.retry.initial_seconds * 2 ** (attempt - 1))
        for chunk in chunked(pending):
            await _run_chunk(client, requests, chunk, results, access_token)
        pending = [i for i in pending if _should_retry(results[i])]
        if not pending:
            break
    return [
        r if r is not None else TransientError("batch item timed out (null) after retries")
        for r in results
    ]


def _should_retry(result: BatchResult | None) -> bool:
    return result is None or isinstance(result, TransientError)


def _account(req: BatchRequest) -> str | None:
    return req.account_id or account_of(req.relative_url.split("/", 1)[-1])


async def _run_chunk(
    client: GraphClient,
    requests: Sequence[BatchRequest],
    chunk: Sequence[int],
    results: list[BatchResult | None],
    access_token: str | None,
) -> None:
    accounts = {_account(requests[i]) for i in chunk}
    payload = json.dumps([requests[i].as_json() for i in chunk], separators=(",", ":"))
    answer = await client.post(
        "",
        {"batch": payload, "include_headers": True},
        access_token=access_token,
        account_id=accounts.pop() if len(accounts) == 1 else None,
    )
    if not isinstance(answer, list) or len(answer) != len(chunk):
        raise UnexpectedResponseError("batch answer is not a list matching the request")
    for index, raw in zip(chunk, answer, strict=True):
        account = _account(requests[index])
        result = decode_item(raw, account)
        results[index] = result
        await _observe(client, raw, result, account)


async def _observe(
    client: GraphClient, raw: Any, result: BatchResult | None, account: str | None
) -> None:
    if client.governor is None or not isinstance(raw, dict):
        return
    await client.governor.observe(item_headers(raw.get("headers")), account)
    if isinstance(result, ThrottledError):
        await client.governor.observe_throttle(result, account)
    if isinstance(result, GraphError):
        log.warning("graph batch item error", extra=result.log_fields())
