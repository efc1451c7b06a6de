"""No token, appsecret_proof or app secret in exceptions, reprs or log records."""

from __future__ import annotations

import hashlib
import hmac
import logging
import traceback

import httpx
import pytest

from metasync.graph import GraphError, TransientError
from tests.support.graph_fakes import APP_SECRET, BASE, TOKEN, error, make_client, reply

PROOF = hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
SECRETS = (TOKEN, APP_SECRET, PROOF)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def record_text(record: logging.LogRecord) -> str:
    return record.getMessage() + repr(record.__dict__)


async def test_secrets_absent_from_errors_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    leak = f"see {BASE}/v25.0/me?access_token={TOKEN}&appsecret_proof={PROOF}"
    answers = iter([reply(503, error(2)), reply(400, error(100, message=leak))])
    client, server, _ = make_client(lambda r: next(answers))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(GraphError) as info:
        await client.get("act_1/campaigns", {"fields": ["id"]})
    assert TOKEN in str(server.requests[0].url)  # the secret was really sent ...
    assert_clean(str(info.value))  # ... and is nowhere else
    assert_clean(repr(info.value))
    assert_clean(repr(info.value.args))
    assert caplog.records, "the client logs its calls"
    for record in caplog.records:
        assert_clean(record_text(record))


async def test_httpx_request_logs_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    client, _, _ = make_client(lambda r: reply(body={"id": "1"}))
    # The httpx logger's own level: configure_logging (used by other tests) quiets it.
    caplog.set_level(logging.DEBUG, logger="httpx")
    await client.get("me")
    httpx_records = [r for r in caplog.records if r.name == "httpx"]
    assert httpx_records, "httpx logs the request URL"
    for record in httpx_records:
        assert_clean(record.getMessage())


async def test_transport_errors_are_redacted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}")

    client, _, _ = make_client(handler, attempts=2)
    with pytest.raises(TransientError) as info:
        await client.get("me")
    assert_clean(str(info.value))
    assert_clean(repr(info.value))
    assert_clean("".join(traceback.format_exception(info.value)))


def test_client_repr_holds_no_secret() -> None:
    client, _, _ = make_client(lambda r: reply())
    assert_clean(repr(client))
    assert_clean(repr(client.bind(TOKEN)))
