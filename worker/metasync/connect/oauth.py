"""Facebook Login's pure parts: states, session hashes, the dialog URL, signed requests.

No I/O here. A ``state`` is 32 random bytes (base64url) sent through Meta's dialog and back; the
database keeps only its sha-256, bound to the sha-256 of the browser's session cookie.
``signed_request`` (Deauthorize, Data Deletion) is ``<base64url signature>.<base64url JSON>``,
the signature the HMAC-SHA256 of the encoded payload under the app secret, compared in constant
time; any other algorithm is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

CALLBACK_PATH = "/connect/meta/callback"


class SignedRequestError(ValueError):
    """The signed_request is malformed, tampered with, or not HMAC-SHA256."""


@dataclass(frozen=True)
class SignedRequest:
    user_id: str
    issued_at: int | None
    payload: dict[str, Any]


def new_secret() -> str:
    """A fresh state or session value: 32 random bytes, base64url."""
    return secrets.token_urlsafe(32)


def digest(value: str) -> bytes:
    """What the database keeps of a state or a session cookie."""
    return hashlib.sha256(value.encode()).digest()


def confirmation_code() -> str:
    """A Data Deletion Request's confirmation code (24 url-safe characters)."""
    return secrets.token_urlsafe(18)


def redirect_uri(public_url: str) -> str:
    return public_url.rstrip("/") + CALLBACK_PATH


def dialog_url(
    dialog_base: str,
    version: str,
    *,
    app_id: str,
    redirect: str,
    state: str,
    scopes: Sequence[str],
    rerequest: bool = False,
) -> str:
    """Meta's login dialog for a server (``response_type=code``)."""
    params = {
        "client_id": app_id,
        "redirect_uri": redirect,
        "state": state,
        "scope": ",".join(scopes),
        "response_type": "code",
    }
    if rerequest:
        params["auth_type"] = "rerequest"
    return f"{dialog_base.rstrip('/')}/{version}/dialog/oauth?{urlencode(params)}"


def csrf_token(session: str, purpose: str) -> str:
    """A form token: HMAC of ``purpose`` keyed with the session cookie (unknown to other sites)."""
    return hmac.new(session.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def csrf_ok(session: str, purpose: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(session, purpose), given)


def _b64decode(part: str) -> bytes:
    try:
        return base64.b64decode(part + "=" * (-len(part) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise SignedRequestError("signed_request is not base64url") from None


def parse_signed_request(signed: str, app_secret: str) -> SignedRequest:
    """The verified payload; :class:`SignedRequestError` for anything else."""
    signature_part, dot, payload_part = signed.strip().partition(".")
    if not dot or not signature_part or not payload_part:
        raise SignedRequestError("signed_request must be <signature>.<payload>")
    signature = _b64decode(signature_part)
    expected = hmac.new(app_secret.encode(), payload_part.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise SignedRequestError("signed_request signature does not match the app secret")
    try:
        payload = json.loads(_b64decode(payload_part))
    except ValueError:
        raise SignedRequestError("signed_request payload is not JSON") from None
    if not isinstance(payload, dict):
        raise SignedRequestError("signed_request payload is not a JSON object")
    if str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise SignedRequestError("signed_request algorithm must be HMAC-SHA256")
    user_id = str(payload.get("user_id", ""))
    if not user_id.isdigit():
        raise SignedRequestError("signed_request carries no user_id")
    issued = payload.get("issued_at")
    return SignedRequest(user_id, int(issued) if isinstance(issued, int) else None, payload)
