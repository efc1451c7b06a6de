"""The one redactor: no token, proof or secret reaches a log line, an exception or a stored error.

:func:`redact` replaces with ``[REDACTED]``:

- Meta access tokens (``EAA...``) and long opaque mixed-case tokens (64+ characters);
- the values of ``access_token``, ``appsecret_proof``, ``client_secret``, ``fb_exchange_token``,
  ``input_token`` (and ``hub.verify_token``) as query parameters, form fields or JSON keys;
- ``Bearer <token>`` (Authorization headers);
- every value registered with :func:`register_secret` (the app secret, decrypted tokens).

:class:`RedactionFilter` rewrites a log record (message, arguments, extra fields, exception and
stack text) with it; :func:`install_httpx_redaction` puts that filter on the httpx and httpcore
loggers, which log full request URLs. ``metasync.logging`` formats the redacted records.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from typing import Any

from pydantic import SecretStr

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 6

# Query parameters that carry a secret: the Graph client never logs them, nor forwards them from
# a ``paging.next`` URL.
SECRET_PARAMS = (
    "access_token",
    "appsecret_proof",
    "client_secret",
    "fb_exchange_token",
    "input_token",
)
_SECRET_KEYS = "|".join((*SECRET_PARAMS, "verify_token"))
# access_token=..., "access_token": "...", 'access_token': '...'
_PARAM = re.compile(
    rf"""(?P<key>\b(?:{_SECRET_KEYS})\b["']?\s*[:=]\s*["']?)(?P<value>[^\s"'&,;}}\]]+)""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(?P<scheme>Bearer\s+)(?P<value>[A-Za-z0-9\-._~+/]+=*)", re.IGNORECASE)
_META_TOKEN = re.compile(r"\bEAA[A-Za-z0-9]{16,}")
_OPAQUE = re.compile(r"[A-Za-z0-9_\-]{64,}")

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secret_pattern: re.Pattern[str] | None = None


def register_secret(value: str | SecretStr | None) -> None:
    """From now on, ``value`` is replaced by ``[REDACTED]`` wherever it appears in a log record.

    Values shorter than ``MIN_SECRET_LENGTH`` are ignored (they would mask ordinary words).
    """
    global _secret_pattern
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if value in _secrets:
            return
        _secrets.add(value)
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_pattern = re.compile("|".join(re.escape(s) for s in ordered))


def clear_registered_secrets() -> None:
    """Forget every registered secret (tests)."""
    global _secret_pattern
    with _secrets_lock:
        _secrets.clear()
        _secret_pattern = None


def _opaque(match: re.Match[str]) -> str:
    text = match.group(0)
    looks_random = (
        any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
    )
    return REDACTED if looks_random else text


def redact(text: str) -> str:
    """``text`` with every secret form listed in the module docstring replaced."""
    pattern = _secret_pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    text = _PARAM.sub(lambda m: m.group("key") + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group("scheme") + REDACTED, text)
    text = _META_TOKEN.sub(REDACTED, text)
    return _OPAQUE.sub(_opaque, text)


def redact_value(value: Any) -> Any:
    """A JSON-ready copy of ``value`` with every string redacted (unknown types via ``str``)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, SecretStr):
        return REDACTED
    if isinstance(value, dict):
        return {redact(str(k)): redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(v) for v in value]
    return redact(str(value))


_STANDARD_ATTRS = frozenset(
    logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None).__dict__
) | {"message", "asctime", "taskName", "_metasync_redacted", "color_message"}


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields passed with ``extra=`` (everything that is not a standard record attribute)."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS}


class RedactionFilter(logging.Filter):
    """Rewrites a record in place so that every later handler and formatter sees it redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_metasync_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        for key, value in extra_fields(record).items():
            setattr(record, key, redact_value(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._metasync_redacted = True
        return True


def redact_url(url: object) -> str:
    """A URL (``str`` or ``httpx.URL``) safe to log or to put into a message."""
    return redact(str(url))


def install_httpx_redaction() -> None:
    """Idempotent: add :class:`RedactionFilter` to the httpx and httpcore loggers."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactionFilter) for f in logger.filters):
            logger.addFilter(RedactionFilter())


def register_settings_secrets(settings: Any) -> None:
    """Register the secrets of a ``Settings`` object: app secret, tick and verify tokens, keys."""
    for name in (
        "meta_app_secret",
        "tick_token",
        "webhook_verify_token",
        "database_url",
        "console_token",
        "supabase_jwt_secret",
    ):
        value = getattr(settings, name, None)
        if name == "database_url" and isinstance(value, SecretStr):
            # only the password part of a URL is secret
            found = re.search(r"://[^:/@]+:([^@]+)@", value.get_secret_value())
            value = found.group(1) if found else None
        register_secret(value)
    keys = getattr(settings, "token_keys", None)
    if isinstance(keys, SecretStr):
        for entry in keys.get_secret_value().split(","):
            register_secret(entry.partition(":")[2].strip())
