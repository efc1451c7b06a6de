"""Two helpers every ``metasync.db`` module of the operator commands uses: rows as dicts, and
a single value; both translate SQLSTATE refusals (:mod:`metasync.db.errors`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from metasync.db.errors import translated

Conn = AsyncConnection[Any]


async def rows(conn: Conn, sql: str, args: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql.encode(), args or {})
        return await cur.fetchall() if cur.description else []


async def scalar(conn: Conn, sql: str, args: Mapping[str, Any] | None = None) -> Any:
    found = await rows(conn, sql, args)
    return next(iter(found[0].values())) if found else None
