"""Graph API errors: one classification, one reaction per class.

Exception tree::

    GraphError                       code, subcode, http_status, fbtrace_id, message
    ├── TransientError               1, 1/99, 2, 5xx, timeouts, network, "Service Unavailable",
    │   │                            malformed bodies -> retried with backoff (bounded)
    │   └── ReportRunTimeoutError    an async report run did not finish in time
    ├── ThrottledError               4, 17, 613, 80000-80014, HTTP 429 -> never retried blindly;
    │   │                            carries scope + retry_after for the governor
    │   └── GovernorBlockedError     refused locally: the governor has the scope stopped
    ├── TokenDeadError               190 (458, 460, 463, 467) -> mark the connection expired
    ├── PermissionDeniedError        10, 200-299 -> stop for that account
    ├── TooMuchDataError             100/1487534, 1 "reduce the amount of data" -> split
    │   └── ReportRunFailedError     async run "Job Failed" / "Job Skipped" -> split
    ├── BadRequestError              100 and anything else -> do not retry
    │   ├── DateRangeTooOldError     3018 -> clamp the range
    │   └── ApiVersionError          2635 -> configuration error
    └── UnexpectedResponseError      valid JSON of the wrong shape

No exception ever holds a token, an ``appsecret_proof`` or an app secret: messages pass
through :func:`metasync.redaction.redact`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from metasync.redaction import redact

ThrottleScope = Literal["app", "account", "business_use_case"]


TOKEN_DEAD_CODES = frozenset({102, 190})
THROTTLE_APP_CODES = frozenset({4, 341})
THROTTLE_ACCOUNT_CODES = frozenset({17, 613})
BUC_TYPES = {
    80000: "ads_insights",
    80001: "pages",
    80002: "instagram",
    80003: "custom_audience",
    80004: "ads_management",
    80005: "leadgen",
    80006: "messenger",
    80008: "whatsapp_business_management",
    80009: "catalog_management",
    80014: "catalog_batch",
}
TOO_MANY_ROWS_SUBCODE = 1487534
REPORT_RUN_RACE = (100, 33)


class GraphError(Exception):
    """Base of every error the Graph client raises."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        fbtrace_id: str | None = None,
        error_type: str | None = None,
    ) -> None:
        self.message = redact(message)
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.fbtrace_id = fbtrace_id
        self.error_type = error_type
        super().__init__(self.message)

    def __str__(self) -> str:
        codes = f"{self.code}/{self.subcode}" if self.subcode else f"{self.code}"
        return f"{self.message} (code={codes}, http={self.http_status}, fbtrace={self.fbtrace_id})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def log_fields(self) -> dict[str, Any]:
        """Structured, secret-free fields for a log record."""
        return {
            "error_class": type(self).__name__,
            "error_code": self.code,
            "error_subcode": self.subcode,
            "http_status": self.http_status,
            "fbtrace_id": self.fbtrace_id,
        }


class TransientError(GraphError):
    retryable = True


class ReportRunTimeoutError(TransientError):
    pass


class ThrottledError(GraphError):
    def __init__(
        self,
        message: str,
        *,
        scope: ThrottleScope = "app",
        scope_id: str | None = None,
        use_case: str | None = None,
        retry_after: float | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.scope: ThrottleScope = scope
        self.scope_id = scope_id
        self.use_case = use_case
        self.retry_after = retry_after

    def log_fields(self) -> dict[str, Any]:
        return super().log_fields() | {
            "throttle_scope": self.scope,
            "throttle_scope_id": self.scope_id,
            "retry_after": self.retry_after,
        }


class GovernorBlockedError(ThrottledError):
    pass


class TokenDeadError(GraphError):
    pass


class PermissionDeniedError(GraphError):
    pass


class TooMuchDataError(GraphError):
    pass


class ReportRunFailedError(TooMuchDataError):
    pass


class BadRequestError(GraphError):
    pass


class DateRangeTooOldError(BadRequestError):
    pass


class ApiVersionError(BadRequestError):
    pass


class UnexpectedResponseError(GraphError):
    pass


def _parse_json(body: bytes | str) -> tuple[bool, Any]:
    try:
        return True, json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False, None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _header_json(headers: Mapping[str, str], name: str) -> Any:
    raw = next((v for k, v in headers.items() if k.lower() == name), None)
    if raw is None:
        return None
    ok, value = _parse_json(raw)
    return value if ok else None


def _buc_entries(headers: Mapping[str, str]) -> list[tuple[str, dict[str, Any]]]:
    value = _header_json(headers, "x-business-use-case-usage")
    if not isinstance(value, dict):
        return []
    return [
        (str(key), e)
        for key, entries in value.items()
        if isinstance(entries, list)
        for e in entries
        if isinstance(e, dict)
    ]


def retry_after_from_headers(
    headers: Mapping[str, str], use_case: str | None = None
) -> float | None:
    """Seconds until access is regained, from the usage headers (the longest one wins)."""
    waits: list[float] = []
    for _, entry in _buc_entries(headers):
        minutes = entry.get("estimated_time_to_regain_access")
        if isinstance(minutes, int | float) and (use_case is None or entry.get("type") == use_case):
            waits.append(float(minutes) * 60)
    acc = _header_json(headers, "x-ad-account-usage")
    if (
        isinstance(acc, dict)
        and isinstance(acc.get("reset_time_duration"), int | float)
        and float(acc.get("acc_id_util_pct") or 0) >= 100
    ):
        waits.append(float(acc["reset_time_duration"]))
    plain = _as_int(next((v for k, v in headers.items() if k.lower() == "retry-after"), None))
    if plain is not None:
        waits.append(float(plain))
    positive = [w for w in waits if w > 0]
    return max(positive) if positive else None


def _throttle(
    code: int | None, headers: Mapping[str, str], account_id: str | None, kw: dict[str, Any]
) -> ThrottledError:
    message = kw.pop("message")
    use_case = BUC_TYPES.get(code) if code is not None else None
    if use_case is not None:
        ids = sorted({key for key, e in _buc_entries(headers) if e.get("type") == use_case})
        scope_id = ids[0] if len(ids) == 1 else account_id
        return ThrottledError(
            message,
            scope="business_use_case",
            scope_id=scope_id,
            use_case=use_case,
            retry_after=retry_after_from_headers(headers, use_case),
            **kw,
        )
    is_account = code in THROTTLE_ACCOUNT_CODES and account_id is not None
    return ThrottledError(
        message,
        scope="account" if is_account else "app",
        scope_id=account_id if is_account else None,
        retry_after=retry_after_from_headers(headers),
        **kw,
    )


# The environment name of Settings.meta_app_secret (a setting's name, not a secret).
APP_SECRET_SETTING = "METASYNC_META_APP_SECRET"  # noqa: S105


def with_setting_hint(message: str) -> str:
    """Meta's appsecret_proof refusals, with the setting that fixes them."""
    lowered = message.lower()
    if "appsecret_proof" not in lowered:
        return message
    if "require" in lowered:
        return f"{message} (the app secret is not configured: set {APP_SECRET_SETTING})"
    if "invalid" in lowered:
        return f"{message} ({APP_SECRET_SETTING} is not this app's secret)"
    return message


def _from_error_object(
    status: int, err: dict[str, Any], headers: Mapping[str, str], account_id: str | None
) -> GraphError:
    code, subcode = _as_int(err.get("code")), _as_int(err.get("error_subcode"))
    message = with_setting_hint(str(err.get("message") or "Graph API error"))
    kw: dict[str, Any] = {
        "message": message,
        "code": code,
        "subcode": subcode,
        "http_status": status,
        "fbtrace_id": err.get("fbtrace_id"),
        "error_type": err.get("type"),
    }
    if (code in THROTTLE_APP_CODES or code in THROTTLE_ACCOUNT_CODES or code in BUC_TYPES) or (
        code is not None and 80000 <= code <= 80014
    ):
        return _throttle(code, headers, account_id, kw)
    if status == 429:
        return _throttle(None, headers, account_id, kw)
    cls = _class_for(status, code, subcode, message, bool(err.get("is_transient")))
    return cls(kw.pop("message"), **kw)


def _class_for(
    status: int, code: int | None, subcode: int | None, message: str, is_transient: bool
) -> type[GraphError]:
    if code in TOKEN_DEAD_CODES:
        return TokenDeadError
    if code == 10 or (code is not None and 200 <= code <= 299):
        return PermissionDeniedError
    if code == 1 and "reduce the amount of data" in message.lower():
        return TooMuchDataError
    if code == 100 and subcode == TOO_MANY_ROWS_SUBCODE:
        return TooMuchDataError
    if code == 3018:
        return DateRangeTooOldError
    if code == 2635:
        return ApiVersionError
    if code in (1, 2) or is_transient or status >= 500:
        return TransientError
    if status == 403:
        return PermissionDeniedError
    return BadRequestError


def _without_error_object(status: int, headers: Mapping[str, str]) -> GraphError:
    if status == 429:
        return ThrottledError(
            "HTTP 429 without an error body",
            http_status=status,
            retry_after=retry_after_from_headers(headers),
        )
    if status >= 500 or status in (200, 408):
        return TransientError(f"HTTP {status} with a malformed body", http_status=status)
    if status == 403:
        return PermissionDeniedError("HTTP 403 without an error body", http_status=status)
    return BadRequestError(f"HTTP {status} without an error body", http_status=status)


def classify(
    status: int,
    body: bytes | str,
    headers: Mapping[str, str],
    *,
    account_id: str | None = None,
) -> GraphError | None:
    """The error a Graph response means, or ``None`` for a success. Pure.

    ``account_id`` (``act_`` id or bare digits) names the scope of account-level throttles.
    """
    ok, data = _parse_json(body)
    if ok and isinstance(data, dict) and isinstance(data.get("error"), dict):
        return _from_error_object(status, data["error"], headers, account_id)
    if not ok or status >= 300:
        return _without_error_object(status, headers)
    return None


def graph_error_from_transport(exc: Exception) -> TransientError:
    """A network error or timeout from httpx, as a transient error (URL redacted)."""
    return TransientError(f"{type(exc).__name__}: {redact(str(exc))}")
