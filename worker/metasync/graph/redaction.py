"""Secrets out of every string we log or raise: tokens, proofs and app secrets in URLs."""

from __future__ import annotations

import logging
import re

import httpx

SECRET_PARAMS = (
    "access_token",
    "appsecret_proof",
    "client_secret",
    "fb_exchange_token",
    "input_token",
)
_SECRET_RE = re.compile(r"(?i)\b(" + "|".join(SECRET_PARAMS) + r")=[^&\s\"'#]*")


def redact(text: str) -> str:
    """``text`` with the value of every secret query parameter replaced by ``***``."""
    return _SECRET_RE.sub(lambda m: f"{m.group(1)}=***", text)


def redact_url(url: object) -> str:
    """A URL safe to log or to put into a message."""
    return redact(str(url))


class _RedactingFilter(logging.Filter):
    """Scrubs secrets from httpx's own request logs (it logs full URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(a) if isinstance(a, str) else _maybe_url(a) for a in record.args
            )
        record.msg = redact(str(record.msg))
        return True


def _maybe_url(value: object) -> object:
    return redact_url(value) if isinstance(value, httpx.URL) else value


def install_log_redaction() -> None:
    """Idempotent: add the redacting filter to the httpx and httpcore loggers."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactingFilter) for f in logger.filters):
            logger.addFilter(_RedactingFilter())
