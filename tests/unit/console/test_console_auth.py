"""The console's sign-in: operator token and sessions, Supabase JWTs (HS256 and JWKS), CSRF."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from pydantic import SecretStr

from metasync.console.auth import Authenticator, AuthError
from metasync.demo_console import console_settings
from metasync.settings import Settings

SECRET = "a-supabase-jwt-secret-of-at-least-32-characters"
USER = "7d3e5c1a-0000-4000-8000-000000000001"


def settings(**over: Any) -> Settings:
    base: dict[str, Any] = {"console_token": SecretStr("op-token"),
                            "supabase_jwt_secret": SecretStr(SECRET)}  # fmt: skip
    return Settings(_env_file=None, **(base | over))  # type: ignore[call-arg]


def claims(**over: Any) -> dict[str, Any]:
    return {"sub": USER, "role": "authenticated", "aud": "authenticated",
            "exp": int(time.time()) + 600, "email": "ann@example.test"} | over  # fmt: skip


async def test_operator_token_and_session() -> None:
    auth = Authenticator(settings())
    assert (await auth.from_token("op-token")).operator
    session = auth.operator_session()
    assert (await auth.from_cookie(session)).operator
    with pytest.raises(AuthError):
        await auth.from_cookie(session[:-1] + ("0" if session[-1] != "0" else "1"))
    rotated = Authenticator(settings(console_token=SecretStr("new-token")))
    with pytest.raises(AuthError):  # a new token ends the old sessions
        await rotated.from_cookie(session)


async def test_expired_operator_session_is_refused() -> None:
    auth = Authenticator(settings())
    past = int(time.time()) - 1
    session = f"op.{past}.{auth._operator_signature(past)}"  # signed correctly, expired
    with pytest.raises(AuthError, match="expired"):
        await auth.from_cookie(session)


async def test_hs256_user_token() -> None:
    auth = Authenticator(settings())
    viewer = await auth.from_token(jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert not viewer.operator and viewer.user_id == USER and viewer.label == "ann@example.test"
    assert viewer.claims is not None and viewer.claims["role"] == "authenticated"
    cookie = auth.user_session(jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert (await auth.from_cookie(cookie)).via_cookie


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (claims(role="anon"), "role must be authenticated"),
        (claims(aud="other"), "invalid token"),
        (claims(exp=int(time.time()) - 3600), "invalid token"),
        ({k: v for k, v in claims().items() if k != "sub"}, "invalid token"),
    ],
)
async def test_bad_user_tokens(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(AuthError, match=message):
        await Authenticator(settings()).from_token(jwt.encode(payload, SECRET, algorithm="HS256"))


async def test_no_key_for_the_algorithm() -> None:
    auth = Authenticator(settings(supabase_jwt_secret=None))
    with pytest.raises(AuthError, match="no key configured for HS256"):
        await auth.from_token(jwt.encode(claims(), SECRET, algorithm="HS256"))


@pytest.fixture
def jwks() -> Iterator[tuple[str, Any]]:
    """A JWKS endpoint on 127.0.0.1 with one RSA key; (its URL, the private key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "k1", "alg": "RS256"}
    body = json.dumps({"keys": [public]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", key
    server.shutdown()


async def test_asymmetric_tokens_through_jwks(jwks: tuple[str, Any]) -> None:
    url, key = jwks
    auth = Authenticator(settings(supabase_jwks_url=url))
    token = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "k1"})
    assert (await auth.from_token(token)).user_id == USER
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims(), other, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(AuthError, match="invalid token"):
        await auth.from_token(forged)


def test_csrf_tokens_are_bound_to_the_session() -> None:
    auth = Authenticator(settings())
    token = auth.csrf_token("session-a")
    assert auth.csrf_ok("session-a", token)
    assert not auth.csrf_ok("session-b", token)
    assert not auth.csrf_ok("session-a", "")
    assert not auth.csrf_ok(None, token)


def test_demo_console_keeps_the_users_token_or_makes_one() -> None:
    own, printed = console_settings(settings(), "postgresql://demo")
    assert printed is None and own.console_token == SecretStr("op-token")
    made, printed = console_settings(settings(console_token=None), "postgresql://demo")
    assert printed and made.console_token is not None
    assert made.console_token.get_secret_value() == printed and len(printed) >= 24
    assert made.database_url is not None
