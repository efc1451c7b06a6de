"""Session settings of a connection: the statement budget of request handlers."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection


async def limit_statement_time(conn: AsyncConnection[Any], seconds: float) -> None:
    """Every later statement of the current transaction gives up after ``seconds`` (57014)."""
    milliseconds = max(1, int(seconds * 1000))
    await conn.execute("select pg_catalog.set_config('statement_timeout', %s, true)",
                       (f"{milliseconds}ms",))  # fmt: skip


async def select_one(conn: AsyncConnection[Any]) -> None:
    """The cheapest round trip: is the database there?"""
    await conn.execute("select 1")
