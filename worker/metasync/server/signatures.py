"""Constant-time checks of the webhook signature and of the tokens the endpoint accepts."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_PREFIX = "sha256="


def sign_body(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` header value Meta sends for ``body``."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signature_is_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """True when ``header`` is ``sha256=<hex HMAC-SHA256(body, app secret)>`` (constant time)."""
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = sign_body(body, app_secret).encode()
    return hmac.compare_digest(expected, header.strip().lower().encode())


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time equality of a presented token with the configured one."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
