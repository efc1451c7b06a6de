"""Error replies as Meta shapes them: one exception carrying the envelope and HTTP status.

Raised anywhere in the emulator, turned into the HTTP answer by the app. Error tree (all are
``ErrorReply``; the code picks the HTTP status, see docs/meta-api.md "Errors"):
  1 unknown / reduce data (500) · 2 unavailable (503) · 4, 17, 613, 80000, 80004 throttles (400)
  · 100 invalid parameter (400) · 190 token (400) · 10/200 permission (403) · 2635 version (400)
  · 3018 range beyond 37 months (400)
"""

from __future__ import annotations

from typing import Any

_STATUS = {1: 500, 2: 503, 10: 403}


def http_status(code: int) -> int:
    """The HTTP status Meta answers an error code with (docs/meta-api.md, "Errors")."""
    return 403 if 200 <= code <= 299 else _STATUS.get(code, 400)


class ErrorReply(Exception):
    """An error reply: `envelope()` is the JSON body, `status` the HTTP status."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int | None = None,
        status: int | None = None,
        transient: bool = False,
        user_title: str | None = None,
        user_msg: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.subcode = subcode
        self.status = status if status is not None else http_status(code)
        self.transient = transient
        self.user_title = user_title
        self.user_msg = user_msg
        self.extra = extra or {}

    def envelope(self, trace_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message": self.message,
            "type": "GraphMethodException" if self.subcode == 33 else "OAuthException",
            "code": self.code,
            "is_transient": self.transient,
            "fbtrace_id": trace_id,
        }
        if self.subcode is not None:
            body["error_subcode"] = self.subcode
        if self.user_title is not None:
            body["error_user_title"] = self.user_title
        if self.user_msg is not None:
            body["error_user_msg"] = self.user_msg
        body.update(self.extra)
        return {"error": body}


def invalid(message: str, subcode: int | None = None) -> ErrorReply:
    return ErrorReply(100, f"(#100) {message}" if subcode is None else message, subcode=subcode)


def no_object(object_id: str) -> ErrorReply:
    return ErrorReply(
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation.",
        subcode=33,
    )


def throttle(code: int, minutes: int, subcode: int | None = None) -> ErrorReply:
    messages = {
        4: "Application request limit reached",
        17: "User request limit reached",
        613: "Calls to this api have exceeded the rate limit.",
        80000: "There have been too many calls from this ad-account. Wait a bit and try again.",
        80004: "There have been too many calls to this ad-account. Wait a bit and try again.",
    }
    return ErrorReply(
        code,
        f"(#{code}) {messages[code]}",
        subcode=subcode,
        transient=True,
        extra={"estimated_time_to_regain_access": minutes},
    )


def token_error(
    subcode: int | None = 463, message: str = "Error validating access token"
) -> ErrorReply:
    return ErrorReply(190, message, subcode=subcode)
