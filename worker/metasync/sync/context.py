"""What one chunk run needs: the claimed chunk, a Graph client bound to its token that counts
calls, the pool and the worker's clock (whose ``db_now()`` every SQL call of the chunk gets)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

import httpx
from psycopg_pool import AsyncConnectionPool

from metasync.clock import Clock
from metasync.db.queue import ClaimedChunk
from metasync.graph import GraphClient, TokenDeadError
from metasync.settings import Settings


@dataclass
class CallCounter:
    """Graph calls of one chunk (a batch counts each item, as Meta does)."""

    calls: int = 0


class CountingHttp:
    """The ``httpx.AsyncClient`` surface GraphClient uses, counting calls and refusing every
    call once the chunk's connection is known dead (at most one call after a 190)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        counter: CallCounter,
        connection_id: UUID | None,
        dead: Collection[UUID],
    ) -> None:
        self._http, self._counter = http, counter
        self._connection_id, self._dead = connection_id, dead

    def _check(self) -> None:
        if self._connection_id is not None and self._connection_id in self._dead:
            raise TokenDeadError("the connection's token is dead: no further calls", code=190)

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        self._check()
        self._counter.calls += 1
        return await self._http.get(url, **kw)

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        self._check()
        self._counter.calls += _items(kw.get("data"))
        return await self._http.post(url, **kw)


def _items(data: Any) -> int:
    if isinstance(data, dict) and isinstance(data.get("batch"), str):
        try:
            return max(1, len(json.loads(data["batch"])))
        except ValueError:
            return 1
    return 1


@dataclass
class ChunkContext:
    chunk: ClaimedChunk
    graph: GraphClient
    pool: AsyncConnectionPool[Any]
    settings: Settings
    clock: Clock
    counter: CallCounter = field(default_factory=CallCounter)
    entity_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # per account, per worker

    @property
    def account_id(self) -> str:
        return self.chunk.account_id


def counting_graph(
    graph: GraphClient,
    http: httpx.AsyncClient,
    token: str,
    counter: CallCounter,
    connection_id: UUID | None,
    dead: Collection[UUID],
) -> GraphClient:
    """``graph`` bound to ``token`` whose HTTP calls are counted into ``counter``."""
    bound = graph.bind(token)
    bound.http = cast(httpx.AsyncClient, CountingHttp(http, counter, connection_id, dead))
    return bound
