"""debug_token and the long-lived exchange, without leaking any of the tokens."""

from __future__ import annotations

import logging

import httpx
import pytest

from metasync.graph import TokenDeadError
from metasync.graph.tokens import debug_token, exchange_token
from tests.support.graph_fakes import APP_SECRET, error, make_client, params, reply

SHORT = "EAAshort-secret"


async def test_debug_token(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert params(request)["input_token"] == SHORT
        data = {"app_id": "1", "is_valid": True, "expires_at": 0, "scopes": ["ads_read"]}
        return reply(body={"data": data})

    client, _, _ = make_client(handler)
    caplog.set_level(logging.DEBUG)
    data = await debug_token(client, SHORT)
    assert data.is_valid and data.scopes == ["ads_read"] and data.expires is None
    assert all(SHORT not in r.getMessage() for r in caplog.records)


async def test_exchange_token(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        sent = params(request)
        assert (sent["grant_type"], sent["fb_exchange_token"]) == ("fb_exchange_token", SHORT)
        assert sent["client_secret"] == APP_SECRET
        answer = {"access_token": "EAAlong", "token_type": "bearer", "expires_in": 5183944}
        return reply(body=answer)

    client, _, _ = make_client(handler)
    caplog.set_level(logging.DEBUG)
    answer = await exchange_token(client, SHORT, app_id="1", app_secret=APP_SECRET)
    assert answer.access_token.get_secret_value() == "EAAlong" and answer.expires_in == 5183944
    for record in caplog.records:
        for secret in (SHORT, APP_SECRET):
            assert secret not in record.getMessage()


async def test_dead_token_on_debug() -> None:
    client, _, _ = make_client(lambda r: reply(400, error(190, 460)))
    with pytest.raises(TokenDeadError):
        await debug_token(client, SHORT)
