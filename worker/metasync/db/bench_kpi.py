"""SQL of ``metasync bench kpi``: the large account's shape seeded with generate_series, and the
timed KPI queries (the ones an application runs: db/kpi.py's statements)."""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg

from metasync.db.kpi import SUMMARY_SQL, daily_query

ORG = "00000000-0000-0000-00be-00000000c0de"
ACCOUNT = "act_900000001"

_STRUCTURE = """
insert into meta_sync.organizations (id, name, reporting_currency)
  values (%(org)s, 'bench kpi', 'EUR');
insert into meta_sync.meta_ad_accounts (id, organization_id, currency, timezone_name)
  values (%(account)s, %(org)s, 'USD', 'America/New_York');
insert into meta_sync.meta_campaigns (id, account_id, name, effective_status, objective, raw)
  select (7100000 + c)::text, %(account)s, 'Campaign ' || c, 'ACTIVE', 'OUTCOME_SALES', '{}'
  from generate_series(0, %(campaigns)s - 1) c;
insert into meta_sync.meta_adsets (id, account_id, campaign_id, name, effective_status, raw)
  select (7200000 + s)::text, %(account)s, (7100000 + s %% %(campaigns)s)::text, 'Ad set ' || s,
         'ACTIVE', '{}'
  from generate_series(0, %(adsets)s - 1) s;
insert into meta_sync.meta_ads (id, account_id, campaign_id, adset_id, name, effective_status, raw)
  select (7300000 + a)::text, %(account)s, (7100000 + (a %% %(adsets)s) %% %(campaigns)s)::text,
         (7200000 + a %% %(adsets)s)::text, 'Ad ' || a, 'ACTIVE', '{}'
  from generate_series(0, %(ads)s - 1) a;
"""
# Nine ads in ten deliver on a given day (a deterministic hash decides), as in the emulator.
_FACTS = """
insert into meta_sync.meta_insights_daily (ad_id, date, account_id, campaign_id, adset_id, currency,
  impressions, clicks, spend, reach, link_clicks, conversions, revenue)
select ad.id, %(until)s::date - d, ad.account_id, ad.campaign_id, ad.adset_id, 'USD',
       800 + h %% 1400, (800 + h %% 1400) * (h %% 30) / 1000,
       ((800 + h %% 1400) * 9 / 1000.0)::numeric(20, 2),
       600 + h %% 900, (800 + h %% 1400) * (h %% 30) / 1250, h %% 4, (h %% 4) * 55.5
from meta_sync.meta_ads ad
cross join generate_series(0, %(days)s - 1) d
cross join lateral (select abs(hashtext(ad.id || ':' || d)) as h) x
where ad.account_id = %(account)s and h %% 10 <> 0
"""


def seed_large_account(
    conn: psycopg.Connection, until: date, days: int, ads: int = 1000, adsets: int = 700,
    campaigns: int = 351,
) -> int:  # fmt: skip
    """The 1 000-ad account (351 campaigns, 700 ad sets) with ``days`` days of facts; rows."""
    params: dict[str, Any] = {
        "org": ORG, "account": ACCOUNT, "campaigns": campaigns, "adsets": adsets, "ads": ads,
        "until": until, "days": days,
    }  # fmt: skip
    with conn.transaction():
        for statement in filter(str.strip, _STRUCTURE.split(";\n")):
            conn.execute(statement, params)
        rows = conn.execute(_FACTS, params).rowcount
    for table in (
        "meta_insights_daily",
        "kpi_rollup_daily",
        "meta_ads",
        "meta_adsets",
        "meta_campaigns",
    ):
        conn.execute(f"vacuum analyze meta_sync.{table}")
    return rows


def run_summary(conn: psycopg.Connection, level: str, since: date, until: date) -> int:
    params = {"level": level, "since": since, "until": until, "org": None, "account": ACCOUNT}
    return len(conn.execute(SUMMARY_SQL, params).fetchall())


def run_daily(conn: psycopg.Connection, level: str, since: date, until: date) -> int:
    params = {"level": level, "since": since, "until": until, "org": None, "account": ACCOUNT}
    return len(conn.execute(daily_query(None, ACCOUNT), params).fetchall())


def run_org_summary(conn: psycopg.Connection, since: date, until: date) -> int:
    params = {"level": "organization", "since": since, "until": until, "org": ORG, "account": None}
    return len(conn.execute(SUMMARY_SQL, params).fetchall())
