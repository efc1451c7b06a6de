"""Structured JSON logs, redacted: every record passes :mod:`metasync.redaction` first.

``configure_logging(level)`` installs one handler on the root logger that writes one JSON object
per line (``ts``, ``level``, ``logger``, ``msg``, the record's extra fields, ``exc``), or
human-readable lines with ``json=False``. Before a record is formatted,
:class:`~metasync.redaction.RedactionFilter` rewrites its message, arguments, extra fields,
exception text and stack text (see :mod:`metasync.redaction` for what is replaced).
"""

from __future__ import annotations

import json as _json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from metasync.redaction import RedactionFilter, extra_fields, redact, redact_value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, extra fields, exc, stack."""

    def format(self, record: logging.LogRecord) -> str:
        RedactionFilter().filter(record)
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            payload.setdefault(key, redact_value(value))
        if record.exc_text:
            payload["exc"] = record.exc_text
        if record.stack_info:
            payload["stack"] = record.stack_info
        return _json.dumps(payload, ensure_ascii=False, default=str)


class RedactingTextFormatter(logging.Formatter):
    """Human-readable lines (``json=False``), redacted the same way."""

    def format(self, record: logging.LogRecord) -> str:
        RedactionFilter().filter(record)
        line = super().format(record)
        extras = extra_fields(record)
        if extras:
            line += " " + _json.dumps(redact_value(extras), default=str)
        return redact(line)


def configure_logging(
    level: int | str = logging.INFO, *, json: bool = True, stream: TextIO | None = None
) -> logging.Handler:
    """Replace the root logger's handlers with one redacting handler; returns it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactionFilter())
    if json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            RedactingTextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for noisy in ("httpx", "httpcore"):  # httpx logs full request URLs at INFO
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
