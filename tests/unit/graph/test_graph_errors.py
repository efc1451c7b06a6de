"""Every row of the error table in docs/meta-api.md, plus the body-less and malformed cases."""

from __future__ import annotations

import json
from typing import Any

import pytest

from metasync.graph.errors import (
    ApiVersionError,
    BadRequestError,
    DateRangeTooOldError,
    GraphError,
    PermissionDeniedError,
    ThrottledError,
    TokenDeadError,
    TooMuchDataError,
    TransientError,
    classify,
)
from metasync.redaction import redact
from tests.support.graph_fakes import error

REDUCE = "Please reduce the amount of data you're asking for, then retry your request"

TABLE: list[tuple[int, Any, type[GraphError]]] = [
    (500, error(1), TransientError),
    (500, error(1, 99), TransientError),
    (500, error(1, message=REDUCE), TooMuchDataError),
    (503, error(2), TransientError),
    (400, error(4), ThrottledError),
    (400, error(17, 2446079), ThrottledError),
    (400, error(613, 1487742), ThrottledError),
    (400, error(80000, 2446079), ThrottledError),
    (400, error(80003), ThrottledError),
    (400, error(80004), ThrottledError),
    (400, error(80014), ThrottledError),
    (400, error(190), TokenDeadError),
    (400, error(190, 458), TokenDeadError),
    (400, error(190, 460), TokenDeadError),
    (400, error(190, 463), TokenDeadError),
    (400, error(190, 467), TokenDeadError),
    (403, error(10), PermissionDeniedError),
    (400, error(200), PermissionDeniedError),
    (400, error(294), PermissionDeniedError),
    (400, error(100), BadRequestError),
    (400, error(100, 33), BadRequestError),
    (400, error(100, 1487534), TooMuchDataError),
    (400, error(3018), DateRangeTooOldError),
    (400, error(2635), ApiVersionError),
    (429, "", ThrottledError),
    (429, "<html>Too Many Requests</html>", ThrottledError),
    (200, "Service Unavailable", TransientError),
    (200, "{not json", TransientError),
    (502, "<html>Bad Gateway</html>", TransientError),
    (504, "", TransientError),
    (500, {"unexpected": True}, TransientError),
    (400, "garbage", BadRequestError),
]


def _body(body: Any) -> str:
    return body if isinstance(body, str) else json.dumps(body)


@pytest.mark.parametrize(("status", "body", "expected"), TABLE)
def test_classification_table(status: int, body: Any, expected: type[GraphError]) -> None:
    err = classify(status, _body(body), {}, account_id="act_42")
    assert type(err) is expected
    assert err is not None and err.http_status == status


def test_success_is_not_an_error() -> None:
    assert classify(200, '{"data": []}', {}) is None


def test_error_carries_code_subcode_status_trace_and_message() -> None:
    err = classify(400, json.dumps(error(190, 463, message="Session has expired")), {})
    assert isinstance(err, TokenDeadError)
    assert (err.code, err.subcode, err.http_status) == (190, 463, 400)
    assert err.fbtrace_id == "Atrace123"
    assert err.message == "Session has expired"
    assert "190/463" in str(err)


def test_only_transient_is_retryable() -> None:
    assert TransientError("x").retryable
    for cls in (ThrottledError, TokenDeadError, PermissionDeniedError, BadRequestError):
        assert not cls("x").retryable


def test_throttle_scopes() -> None:
    app = classify(400, json.dumps(error(4)), {}, account_id="act_42")
    acc = classify(400, json.dumps(error(613, 1487742)), {}, account_id="act_42")
    assert isinstance(app, ThrottledError) and app.scope == "app" and app.scope_id is None
    assert isinstance(acc, ThrottledError) and acc.scope == "account"
    assert acc.scope_id == "act_42"


def test_business_use_case_throttle_takes_regain_time_from_header() -> None:
    header = {
        "x-business-use-case-usage": json.dumps(
            {
                "1234": [
                    {
                        "type": "ads_insights",
                        "call_count": 100,
                        "estimated_time_to_regain_access": 7,
                    },
                    {
                        "type": "ads_management",
                        "call_count": 3,
                        "estimated_time_to_regain_access": 0,
                    },
                ]
            }
        )
    }
    err = classify(400, json.dumps(error(80000, 2446079)), header, account_id="act_9")
    assert isinstance(err, ThrottledError)
    assert (err.scope, err.scope_id, err.use_case) == ("business_use_case", "1234", "ads_insights")
    assert err.retry_after == 7 * 60


def test_429_without_body_uses_retry_after_header() -> None:
    err = classify(429, b"", {"Retry-After": "30"})
    assert isinstance(err, ThrottledError) and err.retry_after == 30


def test_redact_every_secret_param() -> None:
    url = (
        "https://g/v25.0/me?access_token=EAAsecret&appsecret_proof=abc123"
        "&client_secret=s3cret&fb_exchange_token=EAAshort&fields=id"
    )
    clean = redact(url)
    for secret in ("EAAsecret", "abc123", "s3cret", "EAAshort"):
        assert secret not in clean
    assert "fields=id" in clean


def test_messages_never_keep_a_token() -> None:
    body = json.dumps(error(100, message="bad url https://x/?access_token=EAAleak&a=1"))
    err = classify(400, body, {})
    assert err is not None
    assert "EAAleak" not in str(err) and "EAAleak" not in repr(err)
    assert "EAAleak" not in err.message and "EAAleak" not in str(err.args)
