"""Token storage in ``meta_sync.meta_connections``: ciphertext in the database, plaintext in memory
(the rows themselves through :mod:`metasync.db.connections`).

Every decrypted or stored token is registered with the log redactor, so it cannot reach a log.
Rotation (``rotate_keys``) re-encrypts rows in small transactions with ``FOR UPDATE SKIP
LOCKED``; workers keep serving because they hold the old and the new key at the same time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import psycopg

from metasync.crypto import TokenCipher, TokenCipherError
from metasync.db import connections
from metasync.db.errors import NotFoundError
from metasync.redaction import redact, register_secret

log = logging.getLogger(__name__)


class TokenRotationError(Exception):
    """Some connections could not be re-encrypted (unknown key, tampered); the others were."""

    def __init__(self, rotated: int, failed: dict[UUID, str]) -> None:
        self.rotated, self.failed = rotated, failed
        super().__init__(
            f"{rotated} connection(s) re-encrypted, {len(failed)} failed: "
            + "; ".join(f"{cid}: {err}" for cid, err in failed.items())
        )


async def store_connection(
    conn: psycopg.AsyncConnection[Any],
    cipher: TokenCipher,
    organization_id: UUID,
    token: str,
    token_type: str = "user",  # noqa: S107
    expires_at: datetime | None = None,
    scopes: Sequence[str] = (),
    label: str = "default",
) -> UUID:
    """Insert a connection with ``token`` encrypted under the current key; its id."""
    register_secret(token)
    connection_id = uuid4()
    sealed = cipher.encrypt(token, organization_id=organization_id, connection_id=connection_id)
    await connections.insert_connection(
        conn,
        connections.NewConnection(connection_id, organization_id, label, sealed.ciphertext,
                                  sealed.key_id, token_type, scopes, expires_at),
    )  # fmt: skip
    return connection_id


async def load_token(
    conn: psycopg.AsyncConnection[Any], cipher: TokenCipher, connection_id: UUID
) -> str:
    """The decrypted token of a connection (in memory only). NotFoundError when no such row."""
    row = await connections.sealed_token(conn, connection_id)
    if row is None:
        raise NotFoundError(f"no meta connection {connection_id}")
    token = cipher.decrypt(
        row.ciphertext, row.key_id, organization_id=row.organization_id,
        connection_id=connection_id,
    )  # fmt: skip
    register_secret(token)
    return token


async def replace_token(
    conn: psycopg.AsyncConnection[Any],
    cipher: TokenCipher,
    connection_id: UUID,
    token: str,
    expires_at: datetime | None = None,
    scopes: Sequence[str] | None = None,
    now: datetime | None = None,
) -> None:
    """A new token for an existing connection (re-authorisation): encrypted, status active."""
    register_secret(token)
    async with conn.transaction():
        organization_id = await connections.lock_connection(conn, connection_id)
        if organization_id is None:
            raise NotFoundError(f"no meta connection {connection_id}")
        sealed = cipher.encrypt(token, organization_id=organization_id, connection_id=connection_id)
        await connections.replace_sealed_token(
            conn, connection_id, sealed.ciphertext, sealed.key_id, expires_at, scopes, now
        )


async def mark_connection_expired(
    conn: psycopg.AsyncConnection[Any],
    connection_id: UUID,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Status ``expired`` with the (redacted) reason; the token is no longer used."""
    await connections.mark_connection_expired(conn, connection_id, redact(reason), now)


@dataclass
class _Rotation:
    to_key_id: str
    rotated: int = 0
    failed: dict[UUID, str] = field(default_factory=dict)


async def rotate_keys(
    conn: psycopg.AsyncConnection[Any],
    cipher: TokenCipher,
    to_key_id: str | None = None,
    batch_size: int = 50,
) -> int:
    """Re-encrypt every connection not yet under ``to_key_id`` (default: the current key).

    Each batch is its own short transaction that locks only its rows (``SKIP LOCKED``), so
    workers reading and writing other rows never wait. Returns how many rows were re-encrypted;
    raises TokenRotationError at the end when some rows could not be decrypted.
    """
    state = _Rotation(to_key_id or cipher.current_key_id)
    if state.to_key_id not in cipher.key_ids:
        raise TokenCipherError(f"cannot rotate to key id {state.to_key_id!r}: not in the keyring")
    while await _rotate_batch(conn, cipher, state, batch_size):
        pass
    if state.failed:
        raise TokenRotationError(state.rotated, state.failed)
    return state.rotated


async def _rotate_batch(
    conn: psycopg.AsyncConnection[Any], cipher: TokenCipher, state: _Rotation, batch_size: int
) -> bool:
    """One transaction of at most ``batch_size`` rows; False when nothing was left to do."""
    async with conn.transaction():
        rows = await connections.lock_rotation_batch(
            conn, state.to_key_id, list(state.failed), batch_size
        )
        for row in rows:
            try:
                token = cipher.decrypt(
                    row.ciphertext, row.key_id, organization_id=row.organization_id,
                    connection_id=row.connection_id,
                )  # fmt: skip
            except TokenCipherError as exc:
                state.failed[row.connection_id] = str(exc)
                log.error(
                    "token rotation failed",
                    extra={"connection_id": str(row.connection_id), "error": str(exc)},
                )
                continue
            register_secret(token)
            sealed = cipher.encrypt(
                token,
                organization_id=row.organization_id,
                connection_id=row.connection_id,
                key_id=state.to_key_id,
            )
            await connections.reseal_token(
                conn, row.connection_id, sealed.ciphertext, sealed.key_id, row.key_id
            )
            state.rotated += 1
    return bool(rows)
