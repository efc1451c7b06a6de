"""Stored campaigns, ad sets, ads and creatives: the reads the sync and the checks need.

``table`` arguments name one of :data:`ENTITY_TABLES`; anything else is refused.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from psycopg import sql

from metasync.db._run import Conn, column, rows, scalar, tuples

ENTITY_TABLES = ("meta_campaigns", "meta_adsets", "meta_ads", "meta_ad_creatives")


def _table(table: str) -> sql.Composed:
    if table not in ENTITY_TABLES:
        raise ValueError(f"{table!r} is not an entity table ({', '.join(ENTITY_TABLES)})")
    return sql.SQL("meta_sync.{}").format(sql.Identifier(table))


async def live_ids(conn: Conn, table: str, account_id: str) -> set[str]:
    """Ids of the account's stored objects not marked deleted."""
    query = sql.SQL("select id from {} where account_id = %s and not is_deleted")
    return {str(i) for i in await column(conn, query.format(_table(table)), (account_id,))}


async def stored_ids(conn: Conn, table: str, ids: Collection[str]) -> set[str]:
    """Which of ``ids`` the table holds (any account)."""
    query = sql.SQL("select id from {} where id = any(%s)").format(_table(table))
    return {str(i) for i in await column(conn, query, (sorted(ids),))}


async def campaign_ids(conn: Conn, account_id: str) -> list[str]:
    found = await column(
        conn,
        "select id from meta_sync.meta_campaigns where account_id = %s order by id",
        (account_id,),
    )
    return [str(i) for i in found]


async def count_ads(conn: Conn, account_id: str, campaign_ids: Sequence[str] | None) -> int:
    """The account's stored ads (of ``campaign_ids`` when given)."""
    ids = list(campaign_ids) if campaign_ids else None
    value = await scalar(
        conn,
        "select count(*) from meta_sync.meta_ads where account_id = %s"
        " and (%s::text[] is null or campaign_id = any(%s::text[]))",
        (account_id, ids, ids),
    )
    return int(value or 0)


async def campaign_objectives(conn: Conn, account_id: str) -> dict[str, str | None]:
    found = await tuples(
        conn,
        "select id, objective from meta_sync.meta_campaigns where account_id = %s",
        (account_id,),
    )
    return {str(r[0]): r[1] for r in found}


async def entity_rows(
    conn: Conn, table: str, columns: Sequence[str], account_id: str
) -> list[dict[str, Any]]:
    """``id`` and ``columns`` of every stored object of the account."""
    query = sql.SQL("select id, {} from {} where account_id = %s").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), _table(table)
    )
    return await rows(conn, query, (account_id,))
