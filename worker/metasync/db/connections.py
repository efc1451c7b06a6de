"""``meta_sync.meta_connections`` from Python: the rows that hold a Meta token (ciphertext only).

Encryption and decryption happen in :mod:`metasync.tokens`; these functions move ciphertext.
``now`` (when given) is the ``updated_at`` written, else the database's ``now()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from metasync.db._run import Conn, column, execute, scalar, tuples


@dataclass(frozen=True)
class SealedRow:
    """A connection's ciphertext and what it is bound to."""

    connection_id: UUID
    organization_id: UUID
    ciphertext: bytes
    key_id: str


@dataclass(frozen=True)
class NewConnection:
    connection_id: UUID
    organization_id: UUID
    label: str
    ciphertext: bytes
    key_id: str
    token_type: str
    scopes: Sequence[str]
    expires_at: datetime | None


async def insert_connection(conn: Conn, new: NewConnection) -> None:
    await execute(
        conn,
        "insert into meta_sync.meta_connections (id, organization_id, label, token_ciphertext,"
        " token_key_id, token_type, scopes, expires_at) values (%s, %s, %s, %s, %s, %s, %s, %s)",
        (new.connection_id, new.organization_id, new.label, new.ciphertext, new.key_id,
         new.token_type, list(new.scopes), new.expires_at),
    )  # fmt: skip


async def sealed_token(conn: Conn, connection_id: UUID) -> SealedRow | None:
    found = await tuples(
        conn,
        "select organization_id, token_ciphertext, token_key_id"
        " from meta_sync.meta_connections where id = %s",
        (connection_id,),
    )
    if not found:
        return None
    organization_id, ciphertext, key_id = found[0]
    return SealedRow(connection_id, organization_id, bytes(ciphertext), str(key_id))


async def lock_connection(conn: Conn, connection_id: UUID) -> UUID | None:
    """``FOR UPDATE`` the connection (in the caller's transaction); its organisation id."""
    value = await scalar(
        conn,
        "select organization_id from meta_sync.meta_connections where id = %s for update",
        (connection_id,),
    )
    return None if value is None else UUID(str(value))


async def replace_sealed_token(
    conn: Conn,
    connection_id: UUID,
    ciphertext: bytes,
    key_id: str,
    expires_at: datetime | None,
    scopes: Sequence[str] | None,
    now: datetime | None = None,
) -> None:
    """A new token: status active, error cleared; ``scopes`` None keeps the stored ones."""
    await execute(
        conn,
        "update meta_sync.meta_connections set token_ciphertext = %s, token_key_id = %s,"
        " expires_at = %s, scopes = coalesce(%s, scopes), status = 'active', last_error = null,"
        " updated_at = coalesce(%s, now()) where id = %s",
        (ciphertext, key_id, expires_at, None if scopes is None else list(scopes), now,
         connection_id),
    )  # fmt: skip


async def mark_connection_expired(
    conn: Conn, connection_id: UUID, reason: str, now: datetime | None = None
) -> None:
    await execute(
        conn,
        "update meta_sync.meta_connections set status = 'expired', last_error = %s,"
        " updated_at = coalesce(%s, now()) where id = %s",
        (reason, now, connection_id),
    )


async def lock_rotation_batch(
    conn: Conn, to_key_id: str, skip: Sequence[UUID], limit: int
) -> list[SealedRow]:
    """Up to ``limit`` connections not under ``to_key_id`` (nor in ``skip``), locked
    ``FOR UPDATE SKIP LOCKED`` in the caller's transaction."""
    found = await tuples(
        conn,
        "select id, organization_id, token_ciphertext, token_key_id"
        " from meta_sync.meta_connections where token_key_id <> %s and id <> all(%s)"
        " order by id limit %s for update skip locked",
        (to_key_id, list(skip), limit),
    )
    return [SealedRow(r[0], r[1], bytes(r[2]), str(r[3])) for r in found]


async def reseal_token(
    conn: Conn, connection_id: UUID, ciphertext: bytes, key_id: str, old_key_id: str
) -> None:
    """The same token under another key (only while the row is still under ``old_key_id``)."""
    await execute(
        conn,
        "update meta_sync.meta_connections set token_ciphertext = %s, token_key_id = %s"
        " where id = %s and token_key_id = %s",
        (ciphertext, key_id, connection_id, old_key_id),
    )


async def count_not_under_key(conn: Conn, key_id: str) -> int:
    value = await scalar(
        conn,
        "select count(*) from meta_sync.meta_connections where token_key_id <> %s",
        (key_id,),
    )
    return int(value or 0)


async def connection_by_label(conn: Conn, organization_id: UUID, label: str) -> UUID | None:
    value = await scalar(
        conn,
        "select id from meta_sync.meta_connections where organization_id = %s and label = %s",
        (organization_id, label),
    )
    return None if value is None else UUID(str(value))


async def record_validation(
    conn: Conn,
    connection_id: UUID,
    *,
    meta_user_id: str | None,
    data_access_expires_at: datetime | None,
    token_type: str,
) -> None:
    """What ``debug_token`` said about the stored token, validated now."""
    await execute(
        conn,
        "update meta_sync.meta_connections set meta_user_id = %s, data_access_expires_at = %s,"
        " token_type = %s, last_validated_at = now() where id = %s",
        (meta_user_id, data_access_expires_at, token_type, connection_id),
    )


async def expiring_user_connections(conn: Conn, within: timedelta) -> list[UUID]:
    """Active user-token connections whose token expires within ``within`` of now."""
    ids = await column(
        conn,
        "select id from meta_sync.meta_connections where status = 'active'"
        " and token_type = 'user' and expires_at is not null and expires_at < now() + %s",
        (within,),
    )
    return [UUID(str(i)) for i in ids]


async def connection_is_active(conn: Conn, connection_id: UUID) -> bool:
    value = await scalar(
        conn,
        "select status = 'active' from meta_sync.meta_connections where id = %s",
        (connection_id,),
    )
    return bool(value)
