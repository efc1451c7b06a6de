"""Facebook Login's server side: test users, their grants, authorization codes, signed requests.

The login dialog (``dialog.py``) records what a test user granted and declined and hands out a
code; ``/oauth/access_token`` exchanges it once, within ``oauth_code_ttl_s``, for the
``redirect_uri`` the dialog was given; the user token then carries the user and the granted
scopes (``debug_token``, ``/me/permissions``). A declined permission is not asked again unless
the dialog is opened with ``auth_type=rerequest``, as on Meta.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from meta_emulator.errors import ErrorReply

SHORT_LIVED_S = 2 * 3600


@dataclass
class TestUser:
    id: str
    name: str
    granted: set[str] = field(default_factory=set)
    declined: set[str] = field(default_factory=set)
    authorized: bool = False  # the app is installed for this user (a completed dialog)


@dataclass
class Code:
    value: str
    user_id: str
    redirect_uri: str
    client_id: str
    issued: float
    used: bool = False


@dataclass
class OAuthState:
    seed: int
    users: dict[str, TestUser] = field(default_factory=dict)  # by user id
    codes: dict[str, Code] = field(default_factory=dict)
    counter: int = 0

    def user(self, name: str) -> TestUser:
        """The test user logging in as ``name`` (created on first login, id from the name)."""
        clean = name.strip() or "test-user"
        digest = int(hashlib.sha256(f"user:{self.seed}:{clean}".encode()).hexdigest()[:12], 16)
        uid = f"10{digest % 10**13:013d}"
        return self.users.setdefault(uid, TestUser(uid, clean))

    def to_ask(self, user: TestUser, scopes: list[str], rerequest: bool) -> list[str]:
        """The permissions the dialog shows: declined ones only when asked again."""
        return [s for s in scopes if rerequest or s not in user.declined]

    def decide(self, user: TestUser, asked: list[str], granted: set[str]) -> None:
        for scope in asked:
            if scope in granted:
                user.granted.add(scope)
                user.declined.discard(scope)
            else:
                user.declined.add(scope)
                user.granted.discard(scope)
        user.authorized = True

    def issue_code(self, user: TestUser, redirect_uri: str, client_id: str, now: float) -> str:
        self.counter += 1
        raw = f"code:{self.seed}:{self.counter}:{user.id}:{now}".encode()
        value = "AQ" + hashlib.sha256(raw).hexdigest()[:48]
        self.codes[value] = Code(value, user.id, redirect_uri, client_id, now)
        return value

    def redeem(self, params: dict[str, str], ttl: float, now: float) -> TestUser:
        """The user of a code, once; Meta's OAuthException (code 100) for a bad one."""
        code = self.codes.get(params.get("code", ""))
        if code is None:
            raise ErrorReply(100, "Invalid verification code format.")
        if code.used:
            raise ErrorReply(100, "This authorization code has been used.", subcode=36009)
        if now - code.issued > ttl:
            raise ErrorReply(100, "This authorization code has expired.", subcode=36007)
        if params.get("redirect_uri") != code.redirect_uri:
            raise ErrorReply(
                100,
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                subcode=36008,
            )
        code.used = True
        return self.users[code.user_id]

    def deauthorize(self, user_id: str) -> TestUser:
        """The user removes the app: grants forgotten (tokens are killed by the caller)."""
        user = self.users.get(user_id)
        if user is None:
            raise KeyError(f"no test user {user_id}")
        user.granted.clear()
        user.declined.clear()
        user.authorized = False
        return user

    def permissions(self, user_id: str) -> list[dict[str, str]]:
        user = self.users[user_id]
        rows = [{"permission": s, "status": "granted"} for s in sorted(user.granted)]
        return rows + [{"permission": s, "status": "declined"} for s in sorted(user.declined)]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def signed_request(secret: str, payload: dict[str, Any]) -> str:
    """``<base64url HMAC-SHA256 of the encoded payload>.<base64url JSON payload>``."""
    encoded = b64url(json.dumps(payload, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest()
    return f"{b64url(signature)}.{encoded}"


def callback_payload(user_id: str, now: float) -> dict[str, Any]:
    return {"algorithm": "HMAC-SHA256", "issued_at": int(now), "user_id": user_id}
