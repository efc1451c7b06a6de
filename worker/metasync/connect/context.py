"""What the Connect with Meta routes share: settings, database, cipher, Meta client, sessions."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import httpx
from starlette.requests import Request
from starlette.responses import Response

from metasync.connect import oauth
from metasync.connections import AppCredentials
from metasync.crypto import TokenCipher
from metasync.graph import GraphClient
from metasync.server.database import Database
from metasync.settings import Settings

SESSION_COOKIE = "metasync_connect"


@dataclass
class ConnectContext:
    settings: Settings
    db: Database
    clock: Callable[[], datetime]
    transport: httpx.AsyncBaseTransport | None = None  # tests: the emulator in process
    _cipher: TokenCipher | None = None

    @property
    def cipher(self) -> TokenCipher:
        if self._cipher is None:
            self._cipher = TokenCipher.from_settings(self.settings)
        return self._cipher

    @property
    def app(self) -> AppCredentials | None:
        return AppCredentials.from_settings(self.settings)

    @asynccontextmanager
    async def graph(self) -> AsyncIterator[GraphClient]:
        async with httpx.AsyncClient(transport=self.transport) as http:
            yield GraphClient.from_settings(http, self.settings)

    @property
    def secure_cookies(self) -> bool:
        return self.settings.public_url.startswith("https://")


def context_of(request: Request) -> ConnectContext:
    ctx: ConnectContext = request.app.state.connect
    return ctx


def session_of(request: Request) -> str | None:
    value = request.cookies.get(SESSION_COOKIE)
    return value if value and 20 <= len(value) <= 100 else None


def set_session(response: Response, value: str, secure: bool) -> None:
    """HttpOnly; SameSite=Lax so that Meta's top-level redirect back still carries it."""
    response.set_cookie(
        SESSION_COOKIE, value, max_age=3600, httponly=True, samesite="lax", secure=secure,
        path="/connect/meta",
    )  # fmt: skip


def is_operator(request: Request, settings: Settings) -> bool:
    """``Authorization: Bearer <METASYNC_CONSOLE_TOKEN>``, compared in constant time."""
    expected = settings.console_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if expected is None or not expected.get_secret_value() or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.get_secret_value().encode())


def session_hash(value: str) -> bytes:
    return oauth.digest("session:" + value)
