"""KPIs from Python: ``meta_sync.kpi_summary`` and reads of the ``meta_sync.kpi_daily`` view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from metasync.db.errors import translated

Conn = AsyncConnection[Any]
LEVELS = ("ad", "adset", "campaign", "account", "organization")

_SUMMARY = """
select * from meta_sync.kpi_summary(
  p_level => %(level)s, p_since => %(since)s, p_until => %(until)s,
  p_organization_id => %(org)s, p_account_id => %(account)s)
"""
_DAILY = """
select * from meta_sync.kpi_daily
where level = %(level)s and date between %(since)s and %(until)s
  and (%(account)s::text is null or account_id = %(account)s)
  and (%(org)s::uuid is null or organization_id = %(org)s)
order by entity_id, date
"""


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
        await cur.execute(_SUMMARY, params)
        return [KpiRow(**row) for row in await cur.fetchall()]


async def kpi_daily(
    conn: Conn, level: str, since: date, until: date,
    organization_id: UUID | None = None, account_id: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Rows of ``kpi_daily`` of one level and range, optionally one account or organisation."""
    params = {"level": level, "since": since, "until": until, "org": organization_id,
              "account": account_id}  # fmt: skip
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(_DAILY, params)
        return await cur.fetchall()
