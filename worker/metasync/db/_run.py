"""How the ``metasync.db`` modules run their statements: translated errors, dict or tuple rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, LiteralString

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from metasync.db.errors import translated

Conn = AsyncConnection[Any]
Query = LiteralString | bytes | sql.SQL | sql.Composed
Params = Mapping[str, Any] | Sequence[Any] | None


async def execute(conn: Conn, query: Query, params: Params = None) -> int:
    """Run a statement; the rows it touched (0 when the server does not say)."""
    async with translated():
        cur = await conn.execute(query, params)
        return max(cur.rowcount, 0)


async def rows(conn: Conn, query: Query, params: Params = None) -> list[dict[str, Any]]:
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, params)
        return await cur.fetchall() if cur.description else []


async def tuples(conn: Conn, query: Query, params: Params = None) -> list[tuple[Any, ...]]:
    async with translated(), conn.cursor() as cur:
        await cur.execute(query, params)
        return await cur.fetchall() if cur.description else []


async def scalar(conn: Conn, query: Query, params: Params = None) -> Any:
    """The first column of the first row, or None when there is no row."""
    found = await tuples(conn, query, params)
    return found[0][0] if found else None


async def column(conn: Conn, query: Query, params: Params = None) -> list[Any]:
    """The first column of every row."""
    return [r[0] for r in await tuples(conn, query, params)]
