"""The endpoint's connection pool: given by the caller, or owned and opened here.

Request handlers take their connection with :meth:`Database.request`: waiting for a pooled
connection and every statement are bounded (``request_timeout`` seconds, 2 by default), so a
database that is down or stuck costs a request 2 s and a 503, not 30 s.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from metasync.db.session import limit_statement_time

Pool = AsyncConnectionPool[psycopg.AsyncConnection[Any]]


class Database:
    """Hands out pooled connections; an owned pool opens on first use (or in the app lifespan)."""

    def __init__(
        self, pool_or_url: Pool | str, *, max_size: int = 10, request_timeout: float = 2.0
    ) -> None:
        self.request_timeout = request_timeout
        if isinstance(pool_or_url, str):
            self.pool: Pool = AsyncConnectionPool(
                pool_or_url,
                min_size=1,
                max_size=max_size,
                open=False,
                kwargs={"autocommit": True},
                name="metasync-serve",
            )
            self.owned = True
        else:
            self.pool, self.owned = pool_or_url, False
        self._opened = not self.owned
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        async with self._lock:
            if not self._opened:
                await self.pool.open()
                self._opened = True

    async def close(self) -> None:
        if self.owned and self._opened:
            await self.pool.close()
            self._opened = False

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        await self.open()
        async with self.pool.connection() as conn:
            yield conn

    @asynccontextmanager
    async def request(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection in a transaction for a request handler, within ``request_timeout``.

        Raises :class:`RequestDatabaseUnavailable` when no connection comes in time, a
        statement runs out of time, or the database refuses."""
        try:
            async with asyncio.timeout(self.request_timeout * 2):  # a guard above both limits
                await self.open()
                pooled = self.pool.connection(timeout=self.request_timeout)
                async with pooled as conn, conn.transaction():
                    await limit_statement_time(conn, self.request_timeout)
                    yield conn
        except (psycopg.Error, PoolTimeout, TimeoutError) as exc:
            raise RequestDatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc


class RequestDatabaseUnavailable(Exception):
    """The database did not answer a request handler in time, or refused: answer 503."""
