"""Facebook Login's server calls: the code exchange, the long-lived token, what was granted.

:func:`complete_login` turns a dialog's ``code`` into a :class:`MetaGrant`: ``GET
/oauth/access_token`` with the app secret and the dialog's ``redirect_uri``, then
``grant_type=fb_exchange_token`` for a long-lived token, ``debug_token`` (with the app token) for
the user, expiry and data-access expiry, ``/me/permissions`` for granted and declined
permissions and ``/me/adaccounts`` through every page. Any refusal or failure of Meta is a
:class:`LoginError` whose message never holds the code or a token (both are registered with
the redactor before the first call).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from metasync.connections import AppCredentials, InvalidTokenError, exchange_token
from metasync.graph import GraphClient, GraphError
from metasync.graph import tokens as graph_tokens
from metasync.graph.errors import TokenDeadError, TransientError
from metasync.graph.models import TokenExchange, parse
from metasync.redaction import redact, register_secret

ACCOUNT_FIELDS = (
    "id", "account_id", "name", "currency", "timezone_name", "account_status", "created_time",
    "business",
)  # fmt: skip


class LoginError(Exception):
    """Meta refused or failed a step of the login; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(redact(message))
        self.status = status


@dataclass(frozen=True)
class MetaGrant:
    token: str  # long-lived user token: memory only, encrypted before it is stored
    user_id: str
    expires_at: datetime | None
    data_access_expires_at: datetime | None
    granted: tuple[str, ...]
    declined: tuple[str, ...]
    accounts: tuple[dict[str, Any], ...]  # id, name, currency, timezone_name, status, business

    def missing(self, required: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in required if s not in self.granted)


def _ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


def _failure(step: str, exc: Exception) -> LoginError:
    if isinstance(exc, TransientError | OSError):
        return LoginError(f"Meta did not answer while {step} ({exc}); nothing was stored", 502)
    return LoginError(f"Meta refused {step}: {exc}", 400)


async def exchange_code(graph: GraphClient, app: AppCredentials, code: str, redirect: str) -> str:
    """The short-lived user token for a dialog's code (single use, for that redirect_uri)."""
    params = {"client_id": app.app_id, "client_secret": app.app_secret,
              "redirect_uri": redirect, "code": code}  # fmt: skip
    try:
        answer = await graph.get("oauth/access_token", params)
        token = parse(TokenExchange, answer, what="code exchange answer").access_token
    except (GraphError, OSError) as exc:
        raise _failure("the login code", exc) from None
    value = token.get_secret_value()
    register_secret(value)
    return value


def _accounts(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    out = []
    for row in rows:
        business = row.get("business") if isinstance(row.get("business"), dict) else {}
        out.append({k: row.get(k) for k in ACCOUNT_FIELDS if k != "business"}
                   | {"business_name": (business or {}).get("name")})  # fmt: skip
    return tuple(sorted(out, key=lambda a: str(a.get("name") or a["id"])))


async def complete_login(
    graph: GraphClient, app: AppCredentials, code: str, redirect: str
) -> MetaGrant:
    """Code -> long-lived token -> who, what was granted, which ad accounts."""
    register_secret(code)
    short = await exchange_code(graph, app, code, redirect)
    try:
        token, expires = await exchange_token(graph, short, app)
    except InvalidTokenError as exc:
        raise LoginError(f"Meta refused the long-lived exchange: {exc}") from None
    except (GraphError, OSError) as exc:
        raise _failure("making the token long-lived", exc) from None
    register_secret(token)
    try:
        info = await graph_tokens.debug_token(
            graph, token, access_token=f"{app.app_id}|{app.app_secret}"
        )
        perms = await graph.get("me/permissions", access_token=token)
        rows = await graph.get_all("me/adaccounts", {"fields": list(ACCOUNT_FIELDS),
                                                     "limit": 25}, access_token=token)  # fmt: skip
    except TokenDeadError as exc:
        raise LoginError(f"Meta says the new token is not valid: {exc}") from None
    except (GraphError, OSError) as exc:
        raise _failure("reading the grant", exc) from None
    if not info.is_valid or not info.user_id:
        raise LoginError("Meta says the new token is not valid or belongs to no user")
    listed = [p for p in perms.get("data", []) if isinstance(p, dict)]
    return MetaGrant(
        token, str(info.user_id), expires or info.expires, _ts(info.data_access_expires_at),
        tuple(str(p["permission"]) for p in listed if p.get("status") == "granted"),
        tuple(str(p["permission"]) for p in listed if p.get("status") == "declined"),
        _accounts(rows),
    )  # fmt: skip
