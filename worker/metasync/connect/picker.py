"""After Meta's dialog: the account picker, storing the picked accounts, reconnecting in place.

The long-lived token waits for the picker encrypted in ``oauth_grants`` (bound to the browser
session, single use). Submitting the picker stores everything in one transaction: the grant is
used up, the accounts' owners are locked and checked (an account of another organisation is
refused and nothing is stored), the connection is created or gets the new token, the accounts
are registered and their phase 1 starts (``connect_ad_account``, the one function every
connect flow registers accounts through).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl
from uuid import UUID, uuid4

import psycopg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from metasync import tokens
from metasync.connect import oauth, pages
from metasync.connect.context import ConnectContext, context_of, session_hash, session_of
from metasync.connect.flow import MetaGrant
from metasync.connections import register_account
from metasync.db import connect as q
from metasync.db import connections as connections_db
from metasync.db.errors import MetaSyncDatabaseError
from metasync.graph.models import AdAccount, parse


class PickRefused(Exception):
    """The pick cannot be stored; ``status`` and the message make the page."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def label_for(meta_user_id: str) -> str:
    return f"meta-user:{meta_user_id}"


async def after_login(
    request: Request, login: q.LoginState, grant: MetaGrant, missing: tuple[str, ...],
    session: str,
) -> Response:  # fmt: skip
    ctx = context_of(request)
    org = str(login.organization_id)
    connection = str(login.connection_id or "")
    if missing:
        if login.connection_id is not None:
            async with ctx.db.connection() as conn:
                await q.set_missing_scopes(conn, login.connection_id, missing)
        again = pages.connect_url(org, rerequest=True, connection=connection)
        return pages.missing_permissions(missing, again)
    if login.connection_id is not None:
        return await _reconnect(ctx, login.connection_id, grant)
    grant_id = uuid4()
    sealed = ctx.cipher.encrypt(grant.token, organization_id=login.organization_id,
                                connection_id=grant_id)  # fmt: skip
    pending = q.PendingGrant(
        grant_id, login.organization_id, None, grant.user_id, sealed.ciphertext, sealed.key_id,
        grant.expires_at, grant.data_access_expires_at, grant.granted, grant.declined,
        grant.accounts,
    )  # fmt: skip
    async with ctx.db.connection() as conn:
        await q.stash_grant(conn, pending, session_hash(session), ctx.clock())
    return RedirectResponse(f"/connect/meta/accounts?grant={grant_id}", status_code=303)


async def _reconnect(ctx: ConnectContext, connection_id: UUID, grant: MetaGrant) -> Response:
    """The new token replaces the old one in place: the accounts and waiting jobs resume."""
    async with ctx.db.connection() as conn, conn.transaction():
        owner = await q.connection_owner(conn, connection_id)
        if owner is None:
            return pages.message("Unknown connection", "The connection no longer exists.", 404)
        if owner[1] is not None and owner[1] != grant.user_id:
            return pages.message("Another Meta user", "Log in as the person who made this "
                                 "connection, or connect the accounts anew.", 409)  # fmt: skip
        await tokens.replace_token(conn, ctx.cipher, connection_id, grant.token,
                                   expires_at=grant.expires_at, scopes=grant.granted,
                                   now=ctx.clock())  # fmt: skip
        await q.record_grant(conn, connection_id, meta_user_id=grant.user_id,
                             declined=grant.declined, missing=(),
                             data_access_expires_at=grant.data_access_expires_at,
                             now=ctx.clock())  # fmt: skip
        rows = await q.attention_counts(conn, connection_id)
    return pages.reconnected(label_for(grant.user_id), rows[0], rows[1])


async def show(request: Request) -> Response:
    ctx = context_of(request)
    session = session_of(request)
    grant_id = _grant_id(request.query_params.get("grant"))
    if session is None or grant_id is None:
        return pages.message("Nothing to pick", "No Meta login of this browser.", 400)
    async with ctx.db.connection() as conn:
        try:
            grant = await q.take_grant(conn, grant_id, session_hash(session), consume=False,
                                       now=ctx.clock())  # fmt: skip
        except MetaSyncDatabaseError as exc:
            return pages.message("Nothing to pick", str(exc), 400)
        owners = await q.account_owners(conn, [str(a["id"]) for a in grant.accounts])
        org = await q.find_organization(conn, str(grant.organization_id))
    assert org is not None
    shown = {act: (name, oid == grant.organization_id) for act, (oid, name) in owners.items()}
    csrf = oauth.csrf_token(session, f"pick:{grant_id}")
    return pages.picker(org[1], str(grant_id), csrf, grant.accounts, shown)


def _grant_id(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


async def submit(request: Request) -> Response:
    ctx = context_of(request)
    session = session_of(request)
    form = parse_qsl((await request.body()).decode("utf-8", "replace"))
    fields = dict(form)
    grant_id = _grant_id(fields.get("grant"))
    if session is None or grant_id is None:
        return pages.message("Nothing to pick", "No Meta login of this browser.", 400)
    if not oauth.csrf_ok(session, f"pick:{grant_id}", fields.get("csrf", "")):
        return pages.message("Refused", "The form did not come from this page (CSRF).", 403)
    picked = list(dict.fromkeys(v for k, v in form if k == "account"))
    try:
        job = await _store(ctx, grant_id, session, picked)
    except PickRefused as exc:
        again = f"/connect/meta/accounts?grant={grant_id}"
        return pages.message("Not connected", str(exc), exc.status, again=again)
    return RedirectResponse(f"/console/jobs/{job}", status_code=303)


async def _store(ctx: ConnectContext, grant_id: UUID, session: str, picked: list[str]) -> int:
    """Everything in one transaction; PickRefused rolls it back (the grant stays pending)."""
    try:
        async with ctx.db.connection() as conn, conn.transaction():
            grant = await q.take_grant(conn, grant_id, session_hash(session), consume=True,
                                       now=ctx.clock())  # fmt: skip
            listed = {str(a["id"]): a for a in grant.accounts}
            if not picked or any(p not in listed for p in picked):
                raise PickRefused("Pick at least one of the listed ad accounts.", 400)
            owners = await q.account_owners(conn, picked, lock=True)
            taken = [f"{a} belongs to organisation {n}" for a, (o, n) in owners.items()
                     if o != grant.organization_id]  # fmt: skip
            if taken:
                raise PickRefused("; ".join(sorted(taken)) + ". Nothing was connected.", 409)
            connection_id = await _connection(conn, ctx, grant)
            jobs = [await _register(conn, ctx, listed[a], grant.organization_id, connection_id)
                    for a in picked]  # fmt: skip
    except MetaSyncDatabaseError as exc:
        raise PickRefused(str(exc), 409 if exc.sqlstate == "42501" else 400) from None
    return jobs[0]


async def _connection(
    conn: psycopg.AsyncConnection[Any], ctx: ConnectContext, grant: q.PendingGrant
) -> UUID:
    """The organisation's connection for this Meta user: created, or given the new token."""
    token = ctx.cipher.decrypt(
        grant.token_ciphertext,
        grant.token_key_id,
        organization_id=grant.organization_id,
        connection_id=grant.id,
    )
    label = label_for(grant.meta_user_id)
    existing = await connections_db.connection_by_label(conn, grant.organization_id, label)
    if existing is None:
        existing = await tokens.store_connection(
            conn, ctx.cipher, grant.organization_id, token, "user", grant.token_expires_at,
            grant.scopes, label,
        )  # fmt: skip
    else:
        await tokens.replace_token(
            conn, ctx.cipher, existing, token, expires_at=grant.token_expires_at,
            scopes=grant.scopes,
        )  # fmt: skip
    await q.record_grant(
        conn, existing, meta_user_id=grant.meta_user_id, declined=grant.declined_scopes,
        missing=(), data_access_expires_at=grant.data_access_expires_at, now=ctx.clock(),
    )  # fmt: skip
    return existing


async def _register(
    conn: psycopg.AsyncConnection[Any], ctx: ConnectContext, listed: dict[str, Any],
    organization_id: UUID, connection_id: UUID,
) -> int:  # fmt: skip
    """The account's row and its phase 1 (``connect_ad_account``: an account of another
    organisation is refused with 42501 even if it was taken since the check); the job id."""
    fields = {k: v for k, v in listed.items() if k != "business_name" and v is not None}
    account = parse(AdAccount, fields, what=f"ad account {listed['id']}")
    done = await register_account(conn, account, organization_id, connection_id, None,
                                  ctx.clock())  # fmt: skip
    return done.onboarding_job_id
