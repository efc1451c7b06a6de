"""A small, hand-checkable data world for the KPI, currency and export tests (plain SQL).

Organisation ``agency`` (reporting EUR) owns act_801 (USD, New York) and act_802 (JPY, Tokyo);
organisation ``empty`` owns nothing. act_801 has campaign 1001 (ads 3001, 3002 in ad set 2001)
that delivered on 2026-03-01 and 2026-03-02, and campaign 1002 (ad set 2002, ad 3003) that has
not spent. act_802 has campaign 1101 (ad 3101) with yen spend on the same two days.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg

AGENCY = "00000000-0000-0000-00da-000000000001"
EMPTY = "00000000-0000-0000-00da-000000000002"

STRUCTURE = """
insert into meta_sync.organizations (id, name, reporting_currency) values
  (%(agency)s, 'agency', 'EUR'), (%(empty)s, 'empty', 'USD');
insert into meta_sync.meta_ad_accounts (id, organization_id, name, currency, timezone_name) values
  ('act_801', %(agency)s, 'US shop', 'USD', 'America/New_York'),
  ('act_802', %(agency)s, 'JP shop', 'JPY', 'Asia/Tokyo');
insert into meta_sync.meta_campaigns (id, account_id, name, effective_status, objective,
                                      daily_budget, lifetime_budget, raw) values
  ('1001', 'act_801', 'Sales', 'ACTIVE', 'OUTCOME_SALES', 5000, null, '{}'),
  ('1002', 'act_801', 'Not yet', 'PAUSED', 'OUTCOME_SALES', null, 120000, '{}'),
  ('1101', 'act_802', 'Yen', 'ACTIVE', 'OUTCOME_SALES', 5000, null, '{}');
insert into meta_sync.meta_adsets (id, account_id, campaign_id, name, effective_status,
                                   daily_budget, raw) values
  ('2001', 'act_801', '1001', 'A', 'ACTIVE', 2550, '{}'),
  ('2002', 'act_801', '1002', 'B', 'PAUSED', null, '{}'),
  ('2101', 'act_802', '1101', 'Y', 'ACTIVE', 3000, '{}');
insert into meta_sync.meta_ads (id, account_id, campaign_id, adset_id, name, effective_status, raw)
values
  ('3001', 'act_801', '1001', '2001', 'a1', 'ACTIVE', '{}'),
  ('3002', 'act_801', '1001', '2001', 'a2', 'DELETED', '{}'),
  ('3003', 'act_801', '1002', '2002', 'b1', 'PAUSED', '{}'),
  ('3101', 'act_802', '1101', '2101', 'y1', 'ACTIVE', '{}');
"""
# ad, day, account, campaign, adset, currency, impressions, clicks, spend, reach, link clicks,
# conversions, revenue (- = NULL)
_FACTS = """
3001 2026-03-01 act_801 1001 2001 USD 1000 25 12.50 800  20 2 90.00
3002 2026-03-01 act_801 1001 2001 USD 500  5  7.25  450  4  0 0
3001 2026-03-02 act_801 1001 2001 USD 1200 30 15.00 900  22 3 150.00
3101 2026-03-01 act_802 1101 2101 JPY 2000 40 1500  1500 30 1 8000
3101 2026-03-02 act_802 1101 2101 JPY 0    0  0     -    0  0 0
"""
# A breakdown row and a non-default attribution row (+ attribution, breakdown key): never part
# of the KPIs.
_OTHER = """
3001 2026-03-01 act_801 1001 2001 USD 600  10 6.00  500  8  1 45  default  age:18-24
3001 2026-03-01 act_801 1001 2001 USD 1000 25 12.50 800  20 9 999 7d_click -
"""


def _table(text: str) -> list[tuple[Any, ...]]:
    rows = []
    for line in text.strip().splitlines():
        cells: list[Any] = [None if c == "-" else c for c in line.split()]
        for i in (6, 7, 9, 10):
            cells[i] = None if cells[i] is None else int(cells[i])
        if len(cells) > 13 and cells[14] is None:
            cells[14] = ""
        rows.append(tuple(cells))
    return rows


FACTS = _table(_FACTS)
OTHER_ROWS = _table(_OTHER)
FACT_COLUMNS = (
    "ad_id, date, account_id, campaign_id, adset_id, currency, impressions, clicks, spend,"
    " reach, link_clicks, conversions, revenue"
)


def insert_facts(conn: psycopg.Connection, rows: list[tuple[Any, ...]], extra: str = "") -> None:
    cols = FACT_COLUMNS + extra
    marks = ", ".join(["%s"] * len(cols.split(",")))
    with conn.cursor() as cur:
        cur.executemany(
            f"insert into meta_sync.meta_insights_daily ({cols}) values ({marks})", rows
        )


def seed(conn: psycopg.Connection) -> psycopg.Connection:
    for statement in filter(str.strip, STRUCTURE.split(";\n")):
        conn.execute(statement, {"agency": AGENCY, "empty": EMPTY})
    insert_facts(conn, FACTS)
    insert_facts(conn, OTHER_ROWS, ", attribution_setting, breakdown_key")
    return conn


def dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
