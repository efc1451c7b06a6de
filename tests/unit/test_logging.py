"""Structured logs: one JSON object per line, and no secret in any part of a record."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from metasync.logging import configure_logging
from metasync.redaction import (
    REDACTED,
    clear_registered_secrets,
    redact,
    register_secret,
    register_settings_secrets,
)
from metasync.settings import Settings

META_TOKEN = "EAAGm0PX4ZCpsBAKZBZC0ZCZBBZAZAZCZBxyz123"
OPAQUE = "aZ3" * 30


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG", stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    clear_registered_secrets()


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_one_json_object_per_line_with_extra_fields(captured: io.StringIO) -> None:
    logging.getLogger("metasync.test").info(
        "hello %s", "world", extra={"account_id": "act_1", "color_message": "\x1b[36m"}
    )
    logging.getLogger("metasync.other").warning("second")
    first, second = lines(captured)
    assert first["msg"] == "hello world"
    assert first["level"] == "info"
    assert first["logger"] == "metasync.test"
    assert first["account_id"] == "act_1"
    assert first["ts"].endswith("+00:00")
    assert "color_message" not in first
    assert second["level"] == "warning"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"GET /v25.0/act_1/insights?access_token={OPAQUE[:20]}&fields=id", OPAQUE[:20]),
        ("GET /me?fields=id&appsecret_proof=0a1b2c3d4e5f60718293", "0a1b2c3d4e5f60718293"),
        ("/oauth/access_token?client_secret=s3cr3tAppValue&x=1", "s3cr3tAppValue"),
        ("/oauth/access_token?fb_exchange_token=shortlivedvalue9", "shortlivedvalue9"),
        ("/debug_token?input_token=inspectedtoken77", "inspectedtoken77"),
        ("/webhooks/meta?hub.mode=subscribe&hub.verify_token=vtok-4242", "vtok-4242"),
        ('{"access_token": "jsonTokenValue123", "token_type": "bearer"}', "jsonTokenValue123"),
        ("Authorization: Bearer tick.token-value_42", "tick.token-value_42"),
        (f"token {META_TOKEN} went bad", META_TOKEN),
        (f"opaque {OPAQUE} here", OPAQUE),
    ],
)
def test_redact_every_form(text: str, secret: str) -> None:
    assert secret not in redact(text)
    assert REDACTED in redact(text)


def test_redact_keeps_ordinary_text() -> None:
    digest = "a3" * 32  # a lowercase hex digest is not a token
    text = f"synced act_123 campaign 120210000000001 dedupe {digest} fields=id,name"
    assert redact(text) == text


def test_message_args_extras_and_exception_are_redacted(captured: io.StringIO) -> None:
    register_secret("my-app-secret-value")
    log = logging.getLogger("metasync.test")
    log.info("calling %s", f"https://graph/x?access_token={META_TOKEN}")
    log.info(
        "extras",
        extra={"url": f"/y?appsecret_proof={OPAQUE}", "nested": {"k": ["my-app-secret-value"]}},
    )
    try:
        raise RuntimeError(f"Graph said no for {META_TOKEN}")
    except RuntimeError:
        log.exception("failed with my-app-secret-value")
    output = captured.getvalue()
    for secret in (META_TOKEN, OPAQUE, "my-app-secret-value"):
        assert secret not in output
    call, extras, failure = lines(captured)
    assert call["msg"] == "calling https://graph/x?access_token=[REDACTED]"
    assert extras["nested"] == {"k": [REDACTED]}
    assert "RuntimeError: Graph said no for [REDACTED]" in failure["exc"]
    assert failure["msg"] == f"failed with {REDACTED}"


def test_registered_secret_redacted_even_when_short_of_any_pattern(captured: io.StringIO) -> None:
    logging.getLogger("t").info("value plainword123")
    register_secret("plainword123")
    logging.getLogger("t").info("value plainword123")
    before, after = lines(captured)
    assert before["msg"] == "value plainword123"
    assert after["msg"] == f"value {REDACTED}"


def test_settings_secrets_are_registered(captured: io.StringIO) -> None:
    settings = Settings(meta_app_secret="appsecret-xyz-1", tick_token="tick-token-xyz-2")
    register_settings_secrets(settings)
    logging.getLogger("t").info("appsecret-xyz-1 and tick-token-xyz-2")
    assert lines(captured)[0]["msg"] == f"{REDACTED} and {REDACTED}"


def test_text_mode_is_redacted_too() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        configure_logging("INFO", json=False, stream=stream)
        logging.getLogger("t").info("x", extra={"url": f"?access_token={META_TOKEN}"})
    finally:
        root.handlers[:] = saved
    assert META_TOKEN not in stream.getvalue()
    assert "[REDACTED]" in stream.getvalue()
