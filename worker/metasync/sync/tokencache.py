"""Decrypted tokens per connection, in memory only, for a while; and the dead-token guard.

A connection whose token died (190) is in ``dead``: every call of it is refused locally. Claims
only hand out chunks of active connections, so a dead connection whose row is active again has a
new token: it leaves ``dead`` and its token is read afresh.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from metasync import tokens
from metasync.clock import SYSTEM_CLOCK, Clock
from metasync.crypto import TokenCipher
from metasync.db.connections import connection_is_active
from metasync.db.errors import NotFoundError
from metasync.graph import TokenDeadError


class TokenCache:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        cipher: TokenCipher,
        ttl: float,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._pool, self._cipher, self._ttl, self._clock = pool, cipher, ttl, clock
        self._tokens: dict[UUID, tuple[str, float]] = {}
        self.dead: set[UUID] = set()

    async def get(self, connection_id: UUID | None) -> str:
        """The token (registered with the log redactor by ``load_token``)."""
        if connection_id is None:
            raise NotFoundError("the account has no Meta connection")
        if connection_id in self.dead:
            if not await self._active(connection_id):
                raise TokenDeadError("the connection's token is dead", code=190)
            self.dead.discard(connection_id)
            self._tokens.pop(connection_id, None)
        cached = self._tokens.get(connection_id)
        if cached is not None and cached[1] > self._clock.monotonic():
            return cached[0]
        async with self._pool.connection() as conn:
            token = await tokens.load_token(conn, self._cipher, connection_id)
        self._tokens[connection_id] = (token, self._clock.monotonic() + self._ttl)
        return token

    async def _active(self, connection_id: UUID) -> bool:
        async with self._pool.connection() as conn:
            return await connection_is_active(conn, connection_id)
