"""Batch: 50 per request, string bodies, per-item errors, null items retried."""

from __future__ import annotations

import json
from typing import Any

import httpx

from metasync.graph import (
    BatchItem,
    BatchRequest,
    PermissionDeniedError,
    ThrottledError,
    TransientError,
    execute_batch,
)
from metasync.graph.ratelimit import LimitScope
from tests.support.graph_fakes import batch_items, error, make_client, params, reply


def ok_item(body: Any, headers: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"code": 200, "headers": headers or [], "body": json.dumps(body)}


def echo(request: httpx.Request) -> httpx.Response:
    return reply(body=[ok_item({"url": i["relative_url"]}) for i in batch_items(request)])


def requests(n: int) -> list[BatchRequest]:
    return [BatchRequest(f"v25.0/{i}?fields=id") for i in range(n)]


async def test_chunks_of_fifty_in_order() -> None:
    client, server, _ = make_client(echo)
    results = await execute_batch(client, requests(120))
    assert [len(batch_items(r)) for r in server.requests] == [50, 50, 20]
    assert all(r.url.path == "/v25.0/" and r.method == "POST" for r in server.requests)
    assert [r.body["url"] for r in results if isinstance(r, BatchItem)] == [
        f"v25.0/{i}?fields=id" for i in range(120)
    ]
    assert "access_token" in params(server.requests[0])


async def test_per_item_errors_stay_in_place() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return reply(
            body=[
                ok_item({"id": "1"}),
                {"code": 403, "headers": [], "body": json.dumps(error(10))},
                {"code": 400, "headers": [], "body": json.dumps(error(17, 2446079))},
            ]
        )

    client, _, _ = make_client(handler)
    ok, denied, throttled = await execute_batch(client, requests(3))
    assert isinstance(ok, BatchItem) and ok.body == {"id": "1"}
    assert isinstance(denied, PermissionDeniedError) and denied.http_status == 403
    assert isinstance(throttled, ThrottledError)


async def test_null_items_are_sent_again_alone() -> None:
    rounds: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls = [i["relative_url"] for i in batch_items(request)]
        rounds.append(urls)
        first = len(rounds) == 1
        return reply(body=[None if first and "/1?" in u else ok_item({"u": u}) for u in urls])

    client, _, clock = make_client(handler)
    results = await execute_batch(client, requests(3))
    assert all(isinstance(r, BatchItem) for r in results)
    assert rounds[1] == ["v25.0/1?fields=id"]
    assert len(clock.sleeps) == 1


async def test_items_still_null_after_retries_are_transient_errors() -> None:
    client, server, _ = make_client(lambda r: reply(body=[None] * len(batch_items(r))))
    results = await execute_batch(client, requests(2), retries=2)
    assert all(isinstance(r, TransientError) for r in results)
    assert len(server.requests) == 3


async def test_item_usage_headers_reach_the_governor() -> None:
    headers = [
        {"name": "X-App-Usage", "value": '{"call_count":77,"total_time":1,"total_cputime":1}'}
    ]
    client, _, _ = make_client(
        lambda r: reply(body=[ok_item({}, headers) for _ in batch_items(r)]), governor=True
    )
    await execute_batch(client, [BatchRequest("v25.0/act_3/campaigns", account_id="act_3")])
    assert client.governor is not None
    state = await client.governor.store.load(LimitScope.app())
    assert state is not None and state.pct == 77


async def test_post_items_carry_an_encoded_body() -> None:
    item = BatchRequest("v25.0/act_1/insights", "POST", {"level": "ad", "fields": ["spend"]})
    assert item.as_json()["body"] == "level=ad&fields=spend"
