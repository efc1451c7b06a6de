"""The SQL of ``metasync export``: one query over ``meta_sync.kpi_daily``, streamed.

CSV is PostgreSQL's own ``COPY (query) TO STDOUT`` relayed block by block; Parquet reads a
server-side cursor in batches. Either way the client holds one block or one batch at a time,
whatever the number of rows. Money and ratios are rounded to 6 decimals (fixed-scale columns).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql

from metasync.db.errors import NotFoundError, translated

Conn = AsyncConnection[Any]

# (column, SQL expression over kpi_daily k)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("level", "k.level"),
    ("entity_id", "k.entity_id"),
    ("organization_id", "k.organization_id::text"),
    ("account_id", "k.account_id"),
    ("date", "k.date"),
    ("currency", "k.currency"),
    ("spend", "round(k.spend, 6)"),
    ("impressions", "k.impressions"),
    ("clicks", "k.clicks"),
    ("link_clicks", "k.link_clicks"),
    ("ctr", "round(k.ctr, 6)"),
    ("cpc", "round(k.cpc, 6)"),
    ("cpm", "round(k.cpm, 6)"),
    ("conversions", "round(k.conversions, 6)"),
    ("cost_per_conversion", "round(k.cost_per_conversion, 6)"),
    ("revenue", "round(k.revenue, 6)"),
    ("roas", "round(k.roas, 6)"),
    ("reach", "k.reach"),
    ("fx_missing_currencies", "k.fx_missing_currencies"),
)


@dataclass(frozen=True)
class ExportScope:
    level: str
    since: date
    until: date
    organization_id: UUID | None = None
    account_id: str | None = None


def export_query(scope: ExportScope) -> sql.Composed:
    """The rows of one level and range, ordered by day then entity; values are literals so the
    same statement serves COPY (which takes no parameters) and a cursor."""
    filters = [
        sql.SQL("k.level = {}").format(sql.Literal(scope.level)),
        sql.SQL("k.date between {} and {}").format(
            sql.Literal(scope.since), sql.Literal(scope.until)
        ),
    ]
    if scope.account_id is not None:
        filters.append(sql.SQL("k.account_id = {}").format(sql.Literal(scope.account_id)))
    if scope.organization_id is not None:
        filters.append(
            sql.SQL("k.organization_id = {}::uuid").format(sql.Literal(str(scope.organization_id)))
        )
    columns = sql.SQL(", ").join(
        sql.SQL("{} as {}").format(sql.SQL(expr), sql.Identifier(name)) for name, expr in COLUMNS
    )
    return sql.SQL(
        "select {} from meta_sync.kpi_daily k where {} order by k.date, k.entity_id"
    ).format(columns, sql.SQL(" and ").join(filters))


async def resolve_organization(conn: Conn, name_or_id: str) -> UUID:
    """An organisation by id or by name; P0002-style error when none (or several) match."""
    async with translated(), conn.cursor() as cur:
        await cur.execute(
            "select id from meta_sync.organizations where id::text = %s or name = %s limit 2",
            (name_or_id, name_or_id),
        )
        rows = await cur.fetchall()
    if len(rows) != 1:
        what = "no" if not rows else "more than one"
        raise NotFoundError(f'{what} organization named "{name_or_id}"')
    return UUID(str(rows[0][0]))


async def account_exists(conn: Conn, account_id: str) -> bool:
    async with translated(), conn.cursor() as cur:
        await cur.execute("select 1 from meta_sync.meta_ad_accounts where id = %s", (account_id,))
        return await cur.fetchone() is not None


async def copy_csv(conn: Conn, query: sql.Composed, write: Callable[[bytes], Any]) -> int:
    """Stream the query as CSV with a header through ``write``; returns the rows written."""
    statement = sql.SQL("copy ({}) to stdout with (format csv, header)").format(query)
    lines = 0
    async with translated(), conn.cursor() as cur, cur.copy(statement) as copy:
        async for block in copy:
            data = bytes(block)
            lines += data.count(b"\n")
            write(data)
    return max(lines - 1, 0)


async def batches(
    conn: Conn, query: sql.Composed, size: int
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The query's rows ``size`` at a time from a server-side cursor (in its own transaction)."""
    async with translated(), conn.transaction(), conn.cursor(name="metasync_export") as cur:
        cur.itersize = size
        await cur.execute(query)
        while rows := await cur.fetchmany(size):
            yield rows
