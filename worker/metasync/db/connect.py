"""The SQL of Connect with Meta: login states, pending grants, app callbacks, attention list.

One function per SQL function or query; refusals come back as :mod:`metasync.db.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from metasync.db.errors import translated

Conn = AsyncConnection[Any]
_NOW = "coalesce(%(now)s::timestamptz, now())"


@dataclass(frozen=True)
class LoginState:
    organization_id: UUID
    connection_id: UUID | None
    redirect_uri: str
    scopes: tuple[str, ...]
    rerequest: bool
    requested_by: str


@dataclass(frozen=True)
class PendingGrant:
    id: UUID
    organization_id: UUID
    connection_id: UUID | None
    meta_user_id: str
    token_ciphertext: bytes
    token_key_id: str
    token_expires_at: datetime | None
    data_access_expires_at: datetime | None
    scopes: tuple[str, ...]
    declined_scopes: tuple[str, ...]
    accounts: tuple[dict[str, Any], ...]


async def find_organization(conn: Conn, ref: str) -> tuple[UUID, str] | None:
    """The organisation with this id, or this name (case-insensitive)."""
    cur = await conn.execute(
        "select id, name from meta_sync.organizations"
        " where id::text = %(ref)s or lower(name) = lower(%(ref)s)"
        " order by (id::text = %(ref)s) desc, created_at limit 1",
        {"ref": ref.strip()},
    )
    row = await cur.fetchone()
    return (UUID(str(row[0])), str(row[1])) if row else None


async def connection_owner(conn: Conn, connection_id: UUID) -> tuple[UUID, str | None] | None:
    """(organisation, Meta user id) of a connection."""
    cur = await conn.execute(
        "select organization_id, meta_user_id from meta_sync.meta_connections where id = %s",
        (connection_id,),
    )
    row = await cur.fetchone()
    return (UUID(str(row[0])), row[1]) if row else None


async def begin_state(
    conn: Conn,
    *,
    state_hash: bytes,
    session_hash: bytes,
    organization_id: UUID,
    connection_id: UUID | None,
    redirect_uri: str,
    scopes: Sequence[str],
    rerequest: bool,
    requested_by: str,
    now: datetime | None = None,
) -> datetime:
    sql = (
        "select meta_sync.begin_oauth_state(%(s)s, %(b)s, %(org)s, %(conn)s, %(uri)s,"
        f" %(scopes)s, %(re)s, %(by)s, {_NOW})"
    )
    args = {"s": state_hash, "b": session_hash, "org": organization_id, "conn": connection_id,
            "uri": redirect_uri, "scopes": list(scopes), "re": rerequest, "by": requested_by,
            "now": now}  # fmt: skip
    async with translated():
        cur = await conn.execute(sql, args)
    row = await cur.fetchone()
    assert row is not None
    return datetime.fromisoformat(str(row[0])) if not isinstance(row[0], datetime) else row[0]


async def consume_state(
    conn: Conn, state_hash: bytes, session_hash: bytes, now: datetime | None = None
) -> LoginState:
    sql = f"select * from meta_sync.consume_oauth_state(%(s)s, %(b)s, {_NOW})"
    async with translated():
        cur = await conn.execute(sql, {"s": state_hash, "b": session_hash, "now": now})
    row = await cur.fetchone()
    assert row is not None
    return LoginState(row[0], row[1], row[2], tuple(row[3]), bool(row[4]), str(row[5]))


async def stash_grant(conn: Conn, grant: PendingGrant, session_hash: bytes,
                      now: datetime | None = None) -> datetime:  # fmt: skip
    sql = (
        "select meta_sync.stash_oauth_grant(%(id)s, %(b)s, %(org)s, %(conn)s, %(user)s, %(ct)s,"
        f" %(kid)s, %(exp)s, %(dax)s, %(scopes)s, %(declined)s, %(accounts)s, {_NOW})"
    )
    args = {"id": grant.id, "b": session_hash, "org": grant.organization_id,
            "conn": grant.connection_id, "user": grant.meta_user_id, "ct": grant.token_ciphertext,
            "kid": grant.token_key_id, "exp": grant.token_expires_at,
            "dax": grant.data_access_expires_at, "scopes": list(grant.scopes),
            "declined": list(grant.declined_scopes), "accounts": Jsonb(list(grant.accounts)),
            "now": now}  # fmt: skip
    async with translated():
        cur = await conn.execute(sql, args)
    row = await cur.fetchone()
    assert row is not None
    value: datetime = row[0]
    return value


async def take_grant(
    conn: Conn, grant_id: UUID, session_hash: bytes, *, consume: bool, now: datetime | None = None
) -> PendingGrant:
    """The session's pending grant (locked; used up when ``consume``)."""
    sql = f"select * from meta_sync.take_oauth_grant(%(id)s, %(b)s, {_NOW}, %(consume)s)"
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql, {"id": grant_id, "b": session_hash, "now": now,
                                "consume": consume})  # fmt: skip
        row = await cur.fetchone()
    assert row is not None
    return PendingGrant(
        row["id"], row["organization_id"], row["connection_id"], row["meta_user_id"],
        bytes(row["token_ciphertext"]), row["token_key_id"], row["token_expires_at"],
        row["data_access_expires_at"], tuple(row["scopes"]), tuple(row["declined_scopes"]),
        tuple(row["accounts"]),
    )  # fmt: skip


async def account_owners(
    conn: Conn, account_ids: Sequence[str], *, lock: bool = False
) -> dict[str, tuple[UUID, str]]:
    """Which organisation (id, name) owns each of these accounts already (locked when ``lock``)."""
    sql = (
        "select a.id::text, o.id, o.name from meta_sync.meta_ad_accounts a"
        " join meta_sync.organizations o on o.id = a.organization_id"
        " where a.id::text = any(%s)" + (" for update of a" if lock else "")
    )
    cur = await conn.execute(sql, (list(account_ids),))
    return {str(r[0]): (UUID(str(r[1])), str(r[2])) for r in await cur.fetchall()}


async def record_grant(
    conn: Conn,
    connection_id: UUID,
    *,
    meta_user_id: str,
    declined: Sequence[str],
    missing: Sequence[str],
    data_access_expires_at: datetime | None,
    now: datetime | None = None,
) -> None:
    """What Meta said about the person's grant, on the connection (its token is set apart)."""
    await conn.execute(
        "update meta_sync.meta_connections set meta_user_id = %(user)s,"
        " declined_scopes = %(declined)s, missing_scopes = %(missing)s,"
        " data_access_expires_at = %(dax)s, last_validated_at = coalesce(%(now)s, now())"
        " where id = %(id)s",
        {"user": meta_user_id, "declined": list(declined), "missing": list(missing),
         "dax": data_access_expires_at, "now": now, "id": connection_id},
    )  # fmt: skip


async def set_missing_scopes(conn: Conn, connection_id: UUID, missing: Sequence[str]) -> None:
    await conn.execute(
        "update meta_sync.meta_connections set missing_scopes = %s where id = %s",
        (list(missing), connection_id),
    )


async def revoke_user(conn: Conn, meta_user_id: str, now: datetime | None = None) -> int:
    sql = f"select meta_sync.revoke_meta_user_connections(%(user)s, {_NOW})"
    async with translated():
        cur = await conn.execute(sql, {"user": meta_user_id, "now": now})
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def delete_user_data(
    conn: Conn, meta_user_id: str, code: str, now: datetime | None = None
) -> tuple[int, int]:
    """(connections deleted, accounts deleted)."""
    sql = f"select * from meta_sync.delete_meta_user_data(%(user)s, %(code)s, {_NOW})"
    async with translated():
        cur = await conn.execute(sql, {"user": meta_user_id, "code": code, "now": now})
    row = await cur.fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def deletion_request(conn: Conn, code: str) -> dict[str, Any] | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select confirmation_code, status, connections_deleted, accounts_deleted,"
            " requested_at, completed_at from meta_sync.data_deletion_requests"
            " where confirmation_code = %s",
            (code,),
        )
        return await cur.fetchone()


async def attention(conn: Conn, organization_id: UUID | None = None) -> list[dict[str, Any]]:
    """The connections that need their person again (``meta_connections_attention``)."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "select * from meta_sync.meta_connections_attention"
            " where %(org)s::uuid is null or organization_id = %(org)s"
            " order by organization_name, label",
            {"org": organization_id},
        )
        return await cur.fetchall()


async def attention_counts(conn: Conn, connection_id: UUID) -> tuple[int, int]:
    """(accounts of the connection, their open jobs)."""
    cur = await conn.execute(
        "select (select count(*) from meta_sync.meta_ad_accounts a where a.connection_id = %(c)s),"
        " (select count(*) from meta_sync.sync_jobs j join meta_sync.meta_ad_accounts a"
        "   on a.id = j.account_id where a.connection_id = %(c)s"
        "   and j.status in ('pending', 'in_progress'))",
        {"c": connection_id},
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def is_organization_admin(conn: Conn, organization_id: UUID) -> bool:
    """Whether the signed-in user of ``conn`` (claims set) is an owner or admin of it."""
    cur = await conn.execute("select meta_sync_private.is_org_admin(%s)", (organization_id,))
    row = await cur.fetchone()
    return bool(row and row[0])
