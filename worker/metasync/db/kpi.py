"""KPIs from Python: ``meta_sync.kpi_summary`` and reads of the ``meta_sync.kpi_daily`` view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from metasync.db.errors import translated

Conn = AsyncConnection[Any]
LEVELS = ("ad", "adset", "campaign", "account", "organization")

SUMMARY_SQL = """
select * from meta_sync.kpi_summary(
  p_level => %(level)s, p_since => %(since)s, p_until => %(until)s,
  p_organization_id => %(org)s, p_account_id => %(account)s)
"""


def daily_query(organization_id: UUID | None, account_id: str | None) -> sql.Composed:
    """``kpi_daily`` of one level and range, with only the scope filters given (so each filter
    reaches the fact table's index, in a generic plan too)."""
    filters = [sql.SQL("level = %(level)s and date between %(since)s and %(until)s")]
    if account_id is not None:
        filters.append(sql.SQL("account_id = %(account)s"))
    if organization_id is not None:
        filters.append(sql.SQL("organization_id = %(org)s"))
    return sql.SQL("select * from meta_sync.kpi_daily where {} order by date, entity_id").format(
        sql.SQL(" and ").join(filters)
    )


@dataclass(frozen=True)
class KpiRow:
    """One entity's KPIs (a row of ``kpi_summary``); money in ``currency``."""

    level: str
    entity_id: str
    entity_name: str | None
    effective_status: str | None
    organization_id: UUID
    account_id: str | None
    currency: str | None
    spend: Decimal | None
    impressions: int
    clicks: int
    link_clicks: int
    ctr: Decimal | None
    cpc: Decimal | None
    cpm: Decimal | None
    conversions: Decimal
    cost_per_conversion: Decimal | None
    revenue: Decimal | None
    roas: Decimal | None
    reach: int | None
    days_with_data: int
    fx_missing_days: list[date] | None


async def kpi_summary(
    conn: Conn, level: str, since: date, until: date,
    organization_id: UUID | None = None, account_id: str | None = None,
) -> list[KpiRow]:  # fmt: skip
    """Every entity of the scope with its KPIs over ``since..until`` (zeros without data)."""
    params = {"level": level, "since": since, "until": until, "org": organization_id,
              "account": account_id}  # fmt: skip
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(SUMMARY_SQL, params)
        return [KpiRow(**row) for row in await cur.fetchall()]


async def kpi_daily(
    conn: Conn, level: str, since: date, until: date,
    organization_id: UUID | None = None, account_id: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Rows of ``kpi_daily`` of one level and range, optionally one account or organisation."""
    params = {"level": level, "since": since, "until": until, "org": organization_id,
              "account": account_id}  # fmt: skip
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(daily_query(organization_id, account_id), params)
        return await cur.fetchall()
