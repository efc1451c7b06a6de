"""The endpoint's connection pool: given by the caller, or owned and opened here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

Pool = AsyncConnectionPool[psycopg.AsyncConnection[Any]]


class Database:
    """Hands out pooled connections; an owned pool opens on first use (or in the app lifespan)."""

    def __init__(self, pool_or_url: Pool | str, *, max_size: int = 10) -> None:
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
