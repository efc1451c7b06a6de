"""Who is asking: the operator (``METASYNC_CONSOLE_TOKEN``) or a Supabase Auth user (a JWT).

Credentials come as ``Authorization: Bearer ...`` or as the session cookie set by
``/console/login``. The cookie holds either an operator session (expiry + HMAC under the console
token, so changing the token ends every session) or the user's Supabase access token itself,
verified on every request like a Bearer one. Supabase tokens are verified with PyJWT: HS256
with the project's JWT secret, or the project's JWKS for asymmetric keys; they must carry
``sub``, ``exp``, the configured audience and role ``authenticated`` (the anon key is refused).

CSRF: a cookie-signed-in form post must carry ``csrf``, an HMAC of the session cookie under a
key of this process; a Bearer request needs none (a browser never adds that header across
sites). Cookies are HttpOnly, SameSite=Lax, and Secure when the request came over https.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from metasync.settings import Settings

COOKIE = "metasync_console"
_OPERATOR_PREFIX = "op."
_JWT_PREFIX = "jwt."
_ASYMMETRIC = ["RS256", "ES256", "EdDSA"]


class AuthError(Exception):
    """Credentials were given and are not valid; ``str()`` says why (never the credential)."""


@dataclass(frozen=True)
class Viewer:
    """A signed-in viewer: the operator (``claims`` None) or a Supabase user."""

    operator: bool
    user_id: str | None = None
    email: str | None = None
    claims: Mapping[str, Any] | None = None
    via_cookie: bool = False

    @property
    def label(self) -> str:
        return "operator" if self.operator else (self.email or self.user_id or "user")


@dataclass
class Authenticator:
    settings: Settings
    csrf_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _jwks: jwt.PyJWKClient | None = None

    # --- sources ------------------------------------------------------------------------------
    async def from_headers(self, authorization: str | None, cookie: str | None) -> Viewer | None:
        """The viewer of a request; None without credentials; AuthError for bad ones."""
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise AuthError("Authorization must be 'Bearer <token>'")
            return await self.from_token(value.strip())
        if cookie:
            return await self.from_cookie(cookie)
        return None

    async def from_token(self, token: str) -> Viewer:
        """An operator token or a Supabase access token."""
        if self._is_operator_token(token):
            return Viewer(operator=True)
        return await self.verify_jwt(token)

    async def from_cookie(self, value: str) -> Viewer:
        if value.startswith(_OPERATOR_PREFIX):
            self._check_operator_session(value)
            return Viewer(operator=True, via_cookie=True)
        if value.startswith(_JWT_PREFIX):
            viewer = await self.verify_jwt(value[len(_JWT_PREFIX) :])
            return Viewer(False, viewer.user_id, viewer.email, viewer.claims, via_cookie=True)
        raise AuthError("unknown session cookie")

    # --- the operator -------------------------------------------------------------------------
    def _is_operator_token(self, token: str) -> bool:
        expected = self.settings.console_token
        if expected is None or not expected.get_secret_value():
            return False
        return hmac.compare_digest(token.encode(), expected.get_secret_value().encode())

    def _operator_signature(self, expires: int) -> str:
        assert self.settings.console_token is not None
        key = self.settings.console_token.get_secret_value().encode()
        return hmac.new(key, f"operator-session.{expires}".encode(), hashlib.sha256).hexdigest()

    def operator_session(self) -> str:
        expires = int(time.time() + self.settings.console_session_hours * 3600)
        return f"{_OPERATOR_PREFIX}{expires}.{self._operator_signature(expires)}"

    def _check_operator_session(self, value: str) -> None:
        expires_text, _, signature = value[len(_OPERATOR_PREFIX) :].partition(".")
        if self.settings.console_token is None or not expires_text.isdigit():
            raise AuthError("operator session no longer valid")
        expected = self._operator_signature(int(expires_text))
        if not hmac.compare_digest(signature, expected) or int(expires_text) < time.time():
            raise AuthError("operator session expired or signed with another token")

    # --- Supabase users -----------------------------------------------------------------------
    async def verify_jwt(self, token: str) -> Viewer:
        try:
            header = jwt.get_unverified_header(token)
            key, algorithms = await self._key_for(token, str(header.get("alg", "")))
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.supabase_jwt_audience,
                options={"require": ["exp", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        if claims.get("role") != "authenticated":
            raise AuthError("the token is not a signed-in user's (role must be authenticated)")
        email = claims.get("email")
        return Viewer(False, str(claims["sub"]), email if isinstance(email, str) else None, claims)

    async def _key_for(self, token: str, alg: str) -> tuple[Any, list[str]]:
        secret = self.settings.supabase_jwt_secret
        if alg == "HS256" and secret is not None and secret.get_secret_value():
            return secret.get_secret_value(), ["HS256"]
        if alg in _ASYMMETRIC and self.settings.supabase_jwks_url:
            if self._jwks is None:
                self._jwks = jwt.PyJWKClient(self.settings.supabase_jwks_url, cache_keys=True)
            signing = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
            return signing.key, [alg]
        raise AuthError(f"no key configured for {alg or 'unsigned'} tokens")

    def user_session(self, token: str) -> str:
        return _JWT_PREFIX + token

    # --- CSRF ---------------------------------------------------------------------------------
    def csrf_token(self, cookie: str | None) -> str:
        """The form token for a cookie session ("" without one: Bearer requests need none)."""
        if not cookie:
            return ""
        return hmac.new(self.csrf_key, cookie.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, cookie: str | None, given: str | None) -> bool:
        expected = self.csrf_token(cookie)
        return bool(expected) and hmac.compare_digest(expected, given or "")
