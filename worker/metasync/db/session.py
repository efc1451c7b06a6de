"""Session settings of a connection: the statement budget of request handlers."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection


async def limit_statement_time(conn: AsyncConnection[Any], seconds: float) -> None:
    """Every later statement of the current transaction gives up after ``seconds`` (57014),
    and so does every wait for a lock (55P03)."""
    value = f"{max(1, int(seconds * 1000))}ms"
    await conn.execute(
        "select pg_catalog.set_config('statement_timeout', %s, true),"
        " pg_catalog.set_config('lock_timeout', %s, true)",
        (value, value),
    )
