"""POST/GET /webhooks/meta: verification and every refusal, with nothing stored on refusal."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest

from metasync.server.signatures import sign_body
from tests.support.server_helpers import APP_SECRET, VERIFY_TOKEN, count, delivery, issue, signed

AConn = psycopg.AsyncConnection[Any]
EVENTS = "select count(*) from meta_sync.webhook_events"


def verify_params(token: str, mode: str = "subscribe") -> dict[str, str]:
    return {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": "1158201444"}


async def test_verification_echoes_the_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/webhooks/meta", params=verify_params(VERIFY_TOKEN))
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        verify_params("wrong-token"),
        verify_params(VERIFY_TOKEN + "x"),
        verify_params(VERIFY_TOKEN, mode="unsubscribe"),
        {"hub.mode": "subscribe", "hub.challenge": "1"},
    ],
)
async def test_verification_refused(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    response = await client.get("/webhooks/meta", params=params)
    assert response.status_code == 403
    assert "1158201444" not in response.text


async def test_valid_delivery_is_stored(client: httpx.AsyncClient, aconn: AConn) -> None:
    body, headers = signed(delivery(issue("401"), issue("402")))
    response = await client.post("/webhooks/meta", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"received": 2, "new": 2}
    assert await count(aconn, EVENTS) == 2


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        sign_body(b"another body", APP_SECRET),
        sign_body(json.dumps(delivery(issue("401"))).encode(), "not-the-app-secret"),
        "sha1=" + "0" * 40,
        "sha256=" + "0" * 64,
    ],
)
async def test_bad_or_missing_signature_is_401_and_stores_nothing(
    client: httpx.AsyncClient, aconn: AConn, signature: str | None
) -> None:
    body = json.dumps(delivery(issue("401"))).encode()
    headers = {} if signature is None else {"X-Hub-Signature-256": signature}
    response = await client.post("/webhooks/meta", content=body, headers=headers)
    assert response.status_code == 401
    assert await count(aconn, EVENTS) == 0


async def test_signature_is_over_the_raw_body(client: httpx.AsyncClient, aconn: AConn) -> None:
    # the same JSON re-serialised with other whitespace has another signature
    body, headers = signed(delivery(issue("401")))
    respaced = json.dumps(json.loads(body), indent=2).encode()
    response = await client.post("/webhooks/meta", content=respaced, headers=headers)
    assert response.status_code == 401
    assert await count(aconn, EVENTS) == 0


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe{}", b'{"object": "ad_account",'])
async def test_malformed_json_is_400(client: httpx.AsyncClient, aconn: AConn, raw: bytes) -> None:
    body, headers = signed(raw)
    response = await client.post("/webhooks/meta", content=body, headers=headers)
    assert response.status_code == 400
    assert await count(aconn, EVENTS) == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "page", "entry": [{"id": "1", "time": 1, "changes": [issue("401")]}]},
        {"entry": []},
        ["not", "an", "object"],
        {"object": "ad_account", "entry": "nope"},
        {"object": "ad_account", "entry": [{"time": 1, "changes": []}]},
        {"object": "ad_account", "entry": [{"id": "1", "changes": [{"value": {}}]}]},
    ],
)
async def test_unknown_object_or_shape_is_422(
    client: httpx.AsyncClient, aconn: AConn, payload: Any
) -> None:
    body, headers = signed(payload)
    response = await client.post("/webhooks/meta", content=body, headers=headers)
    assert response.status_code == 422
    assert await count(aconn, EVENTS) == 0


async def test_oversized_body_is_413(client: httpx.AsyncClient, aconn: AConn) -> None:
    many = [issue(str(400 + i)) for i in range(60)]  # well over the 4096-byte test limit
    body, headers = signed(delivery(*many))
    assert len(body) > 4096
    response = await client.post("/webhooks/meta", content=body, headers=headers)
    assert response.status_code == 413
    assert await count(aconn, EVENTS) == 0


async def test_oversized_streamed_body_is_413_before_reading_it_all(
    client: httpx.AsyncClient, aconn: AConn
) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):
            sent += 1
            yield b" " * 1024

    response = await client.post(
        "/webhooks/meta", content=chunks(), headers={"X-Hub-Signature-256": "x"}
    )
    assert response.status_code == 413
    assert sent < 20  # stopped reading just past the limit
    assert await count(aconn, EVENTS) == 0


async def test_unconfigured_secret_refuses_everything(
    pool: Any, aconn: AConn, settings: Any
) -> None:
    from metasync.server.app import create_app

    app = create_app(
        settings.model_copy(update={"meta_app_secret": None, "webhook_verify_token": None}),
        pool,
        sweep_seconds=None,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        body, headers = signed(delivery(issue("401")))
        assert (await c.post("/webhooks/meta", content=body, headers=headers)).status_code == 503
        assert (await c.get("/webhooks/meta", params=verify_params(""))).status_code == 403
    assert await count(aconn, EVENTS) == 0


async def test_database_down_is_503_so_meta_retries(settings: Any) -> None:
    from psycopg_pool import AsyncConnectionPool

    from metasync.server.app import create_app

    down: AsyncConnectionPool[Any] = AsyncConnectionPool(
        "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1", open=False, timeout=1
    )
    await down.open(wait=False)
    try:
        app = create_app(settings, down, sweep_seconds=None)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as c:
            body, headers = signed(delivery(issue("401")))
            response = await c.post("/webhooks/meta", content=body, headers=headers)
    finally:
        await down.close()
    assert response.status_code == 503
