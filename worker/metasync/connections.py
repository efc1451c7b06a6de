"""Connections to Meta: a token is validated, made long-lived, encrypted, stored; its ad
accounts are described and registered, and their phase 1 started.

The flow (:func:`connect`) does every Graph call first (``debug_token``, the long-lived exchange,
``/me/adaccounts``, one batch for the account metadata) and only then writes, in one
transaction: the organisation (``ensure_organization``: created if new, names matched
case-insensitively), the connection (ciphertext only, through :mod:`metasync.tokens`), the ad
accounts and phase 1 of each (``connect_ad_account``, which refuses an account of another
organisation). A bad token, or an account owned elsewhere, therefore stores nothing.
:func:`refresh_expiring_tokens` re-exchanges user tokens that expire soon; a new token for an
expired connection resumes its accounts.

Errors::

    ConnectError               a clear message for the user, never a token
    ├── InvalidTokenError      debug_token says invalid / Meta answers 190
    └── AccountAccessError     an ad account is unknown or not readable with this token
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg

from metasync import tokens
from metasync.clock import SYSTEM_CLOCK
from metasync.crypto import TokenCipher
from metasync.db import accounts as accounts_db
from metasync.db import connections as db_connections
from metasync.graph import BatchItem, BatchRequest, GraphClient, GraphError, execute_batch
from metasync.graph import tokens as graph_tokens
from metasync.graph.errors import TokenDeadError
from metasync.graph.fields import AD_ACCOUNT_FIELDS
from metasync.graph.models import AdAccount, parse
from metasync.settings import Settings

TIERS = ("high", "medium", "low")
_TOKEN_TYPES = {"USER": "user", "SYSTEM_USER": "system_user", "PAGE": "page"}


class ConnectError(Exception):
    """Connecting failed; the message says why and never contains a token."""


class InvalidTokenError(ConnectError):
    """The token is invalid, expired or revoked."""


class AccountAccessError(ConnectError):
    """An ad account id is malformed, unknown, or not readable with this token."""


@dataclass(frozen=True)
class TokenInfo:
    token_type: str  # user | system_user | page
    expires_at: datetime | None  # None = never
    data_access_expires_at: datetime | None
    scopes: tuple[str, ...]
    user_id: str | None


@dataclass(frozen=True)
class ConnectResult:
    organization_id: UUID
    connection_id: UUID
    accounts: tuple[AdAccount, ...]
    token: TokenInfo
    exchanged: bool  # a short-lived token was swapped for a long-lived one
    resumed: bool  # an existing (possibly expired) connection got the new token
    registered: tuple[accounts_db.ConnectedAccount, ...] = ()  # what connect_ad_account did


@dataclass(frozen=True)
class AppCredentials:
    app_id: str
    app_secret: str

    @classmethod
    def from_settings(cls, settings: Settings) -> AppCredentials | None:
        """The app id and secret when both are configured (needed for the exchange)."""
        if settings.meta_app_id and settings.meta_app_secret:
            return cls(settings.meta_app_id, settings.meta_app_secret.get_secret_value())
        return None


def _ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


async def inspect_token(graph: GraphClient, token: str) -> TokenInfo:
    """``GET /debug_token``; raises :class:`InvalidTokenError` unless Meta says it is valid."""
    try:
        data = await graph_tokens.debug_token(graph, token)
    except TokenDeadError as exc:
        raise InvalidTokenError(f"Meta refused the token: {exc}") from None
    if not data.is_valid:
        raise InvalidTokenError("Meta says the token is not valid (expired, revoked or malformed)")
    return TokenInfo(
        token_type=_TOKEN_TYPES.get((data.type or "USER").upper(), "user"),
        expires_at=data.expires,
        data_access_expires_at=_ts(data.data_access_expires_at),
        scopes=tuple(data.scopes),
        user_id=data.user_id,
    )


async def exchange_token(
    graph: GraphClient, token: str, app: AppCredentials
) -> tuple[str, datetime | None]:
    """A long-lived user token for ``token`` (``fb_exchange_token``) and its expiry."""
    try:
        answer = await graph_tokens.exchange_token(
            graph, token, app_id=app.app_id, app_secret=app.app_secret
        )
    except TokenDeadError as exc:
        raise InvalidTokenError(f"Meta refused to exchange the token: {exc}") from None
    now = SYSTEM_CLOCK.now()
    expires = now + timedelta(seconds=answer.expires_in) if answer.expires_in else None
    return answer.access_token.get_secret_value(), expires


def should_exchange(info: TokenInfo, app: AppCredentials | None) -> bool:
    """User tokens that expire can be made long-lived when the app credentials are known."""
    user = info.token_type == "user"  # noqa: S105
    return app is not None and user and info.expires_at is not None


async def list_ad_accounts(graph: GraphClient, token: str) -> list[str]:
    """Every ad account the token can read (``/me/adaccounts``)."""
    rows = await graph.get_all(
        "me/adaccounts", {"fields": ["id"], "limit": 500}, access_token=token
    )
    return sorted({str(row["id"]) for row in rows if "id" in row})


def normalise_account_id(raw: str) -> str:
    """``act_<digits>`` (a bare number is accepted and prefixed); anything else is refused."""
    value = raw.strip()
    digits = value.removeprefix("act_")
    if not digits.isdigit() or len(digits) > 20:
        raise AccountAccessError(f"{raw!r} is not an ad account id (expected act_<digits>)")
    return f"act_{digits}"


async def fetch_account_metadata(
    graph: GraphClient, token: str, account_ids: Sequence[str]
) -> list[AdAccount]:
    """Name, currency, time zone, creation time and status of each account, in one batch."""
    requests = [
        BatchRequest(graph.relative_url(acc, {"fields": list(AD_ACCOUNT_FIELDS)}), account_id=acc)
        for acc in account_ids
    ]
    results = await execute_batch(graph, requests, access_token=token)
    accounts = []
    for acc, result in zip(account_ids, results, strict=True):
        if isinstance(result, TokenDeadError):
            raise InvalidTokenError(f"Meta refused the token: {result}")
        if isinstance(result, GraphError):
            raise AccountAccessError(f"cannot read ad account {acc}: {result}")
        assert isinstance(result, BatchItem)
        accounts.append(parse(AdAccount, result.body, what=f"ad account {acc}"))
    return accounts


async def connect(
    conn: psycopg.AsyncConnection[Any],
    graph: GraphClient,
    cipher: TokenCipher,
    *,
    organization: str,
    token: str,
    account_ids: Sequence[str] = (),
    tier: str | None = None,
    app: AppCredentials | None = None,
    label: str = "default",
) -> ConnectResult:
    """Validate, exchange, store and onboard; see the module docstring."""
    if tier is not None and tier not in TIERS:
        raise ConnectError(f"unknown tier {tier!r}; choose one of {', '.join(TIERS)}")
    wanted = [normalise_account_id(a) for a in account_ids]
    info = await inspect_token(graph, token)
    exchanged = should_exchange(info, app)
    if exchanged:
        assert app is not None
        token, expires = await exchange_token(graph, token, app)
        info = TokenInfo(info.token_type, expires, info.data_access_expires_at, info.scopes,
                         info.user_id)  # fmt: skip
    ids = wanted or await list_ad_accounts(graph, token)
    if not ids:
        raise AccountAccessError("the token can read no ad account; pass --account act_...")
    accounts = await fetch_account_metadata(graph, token, ids)
    async with conn.transaction():
        org_id = await accounts_db.ensure_organization(conn, organization)
        connection_id, resumed = await _store(conn, cipher, org_id, token, info, label)
        registered = [
            await register_account(conn, account, org_id, connection_id, tier)
            for account in accounts
        ]
    return ConnectResult(org_id, connection_id, tuple(accounts), info, exchanged, resumed,
                         tuple(registered))  # fmt: skip


async def register_account(
    conn: psycopg.AsyncConnection[Any],
    account: AdAccount,
    organization_id: UUID,
    connection_id: UUID,
    tier: str | None,
    now: datetime | None = None,
) -> accounts_db.ConnectedAccount:
    """The account's row and its phase 1 (``connect_ad_account``, at ``now``): refused (42501)
    when another organisation owns the account."""
    return await accounts_db.connect_ad_account(
        conn, account.id, organization_id, connection_id=connection_id, now=now,
        name=account.name, currency=account.currency,
        timezone_name=account.timezone_name or "UTC", created_time=account.created_time,
        account_status=account.account_status, tier=tier,
    )  # fmt: skip


async def _store(
    conn: psycopg.AsyncConnection[Any],
    cipher: TokenCipher,
    organization_id: UUID,
    token: str,
    info: TokenInfo,
    label: str,
) -> tuple[UUID, bool]:
    """A new connection, or the new token on the organisation's existing one (status active)."""
    connection_id = await db_connections.connection_by_label(conn, organization_id, label)
    if connection_id is not None:
        await tokens.replace_token(
            conn, cipher, connection_id, token, expires_at=info.expires_at, scopes=info.scopes
        )
        resumed = True
    else:
        connection_id = await tokens.store_connection(
            conn, cipher, organization_id, token, info.token_type, info.expires_at, info.scopes,
            label,
        )  # fmt: skip
        resumed = False
    await db_connections.record_validation(
        conn, connection_id, meta_user_id=info.user_id,
        data_access_expires_at=info.data_access_expires_at, token_type=info.token_type,
    )  # fmt: skip
    return connection_id, resumed


async def refresh_expiring_tokens(
    conn: psycopg.AsyncConnection[Any],
    graph: GraphClient,
    cipher: TokenCipher,
    app: AppCredentials,
    *,
    within: timedelta = timedelta(days=7),
) -> list[UUID]:
    """Re-exchange active user tokens expiring within ``within``; the connections refreshed.

    A token Meta refuses marks its connection expired (a new ``connect`` resumes it).
    """
    refreshed = []
    for connection_id in await db_connections.expiring_user_connections(conn, within):
        token = await tokens.load_token(conn, cipher, connection_id)
        try:
            new_token, expires = await exchange_token(graph, token, app)
        except InvalidTokenError as exc:
            await tokens.mark_connection_expired(conn, connection_id, str(exc))
            continue
        await tokens.replace_token(conn, cipher, connection_id, new_token, expires_at=expires)
        refreshed.append(connection_id)
    return refreshed
