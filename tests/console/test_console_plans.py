"""The console's queries at 10 000 accounts, as the operator and as a member (RLS on every row).

Each query the accounts list, an account page and a job page run is explained with ANALYZE
(auto_explain) inside the viewer's transaction, with custom plans and with generic plans (psycopg
prepares a query it has run 5 times, and the server then tries 5 custom plans before a generic
one: the operator's pages from the 11th on were slow that way). Two properties of the plan, not
its time: no table the view joins is read once per account of the 10 000 (the keyset page, not
the table, bounds the per-row work), and the planner's estimate stays under ``jit_above_cost``
(a member's page was estimated at 1.8 million when the throttles' policy was costed once per
account, and JIT compilation alone took 1-2 s).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from metasync.bench.seed import ORG, seed_accounts
from metasync.db import console as q

ACCOUNTS = 10_000
MEMBER = uuid.UUID("11111111-0000-4000-8000-0000000a11a5")
# Per-row reads bounded by the page (51 rows fetched) and the 100 accounts with errors ...
MAX_LOOPS = 500
# ... except the list's own inputs: the keyset sorts every visible account by its state, which
# needs its connection (a generic plan probes the connection per account).
LISTED = {None, "meta_ad_accounts", "meta_connections"}


def _seed_jobs_and_throttles(conn: psycopg.Connection) -> None:
    """Onboarding jobs of every account, an open job with chunks for every 10th, 1 % of the
    accounts with errors, every account with a rate-limit row and 1 % blocked by Meta."""
    with conn.transaction():
        conn.execute("set local session_replication_role = replica")
        conn.execute(
            """insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase,
                 sync_type, status, total_chunks, completed_chunks, progress_percentage)
               select a.id, a.organization_id, p.phase, 'initial', 'completed', 1, 1, 100
               from meta_sync.meta_ad_accounts a, (values ('recent_window'::meta_sync.sync_phase),
                                                          ('historical_backfill')) p(phase)"""
        )
        conn.execute(
            """with j as (
                 insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase,
                   sync_type, status, total_chunks)
                 select a.id, a.organization_id, 'incremental', 'incremental', 'pending', 1
                 from meta_sync.meta_ad_accounts a where right(a.id, 1) = '7'
                 returning id, account_id)
               insert into meta_sync.sync_job_chunks (job_id, account_id, chunk_type,
                 date_since, date_until, priority)
               select j.id, j.account_id, 'insights', current_date - 2, current_date - 1, 30
               from j"""
        )
        conn.execute(
            """insert into meta_sync.meta_rate_limit_state (scope_type, scope_id, usage_type,
                 call_count_pct, observed_at, blocked_until)
               select 'ad_account', a.id, 'ads_insights', 10, now(),
                      case when right(a.id, 2) = '13' then now() + interval '10 minutes' end
               from meta_sync.meta_ad_accounts a"""
        )
        conn.execute(
            "update meta_sync.meta_ad_accounts set sync_error_count = 2, last_sync_error = 'x'"
            " where right(id, 2) = '42'"
        )
        conn.execute(
            "insert into meta_sync.organization_members (organization_id, user_id, role)"
            " values (%s, %s, 'member')",
            (ORG, MEMBER),
        )
    conn.execute("vacuum analyze")


@pytest.fixture
def big_world(database_url: str) -> Iterator[str]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        seed_accounts(conn, ACCOUNTS, datetime.now(UTC))
        _seed_jobs_and_throttles(conn)
    yield database_url


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


Query = Callable[[q.Conn], Awaitable[Any]]
AUTO_EXPLAIN = {
    "log_min_duration": "0",
    "log_analyze": "on",
    "log_timing": "off",
    "log_format": "json",
    "log_level": "notice",
}


async def _explained(url: str, member: bool, plan_mode: str, query: Query) -> list[Any]:
    """The plans of every statement ``query`` runs as the viewer, from auto_explain (sent to this
    client as notices): the statements as the console sends them, with their parameters."""
    notices: list[str] = []
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
    async with conn:
        await conn.execute("load 'auto_explain'")
        for name, value in AUTO_EXPLAIN.items():
            await conn.execute(f"set auto_explain.{name} = '{value}'")
        async with conn.transaction():
            await conn.execute(f"set local plan_cache_mode = {plan_mode}")
            if member:
                await q.act_as_viewer(conn, {"sub": str(MEMBER), "role": "authenticated"})
            notices.clear()
            await query(conn)
    return [json.loads(n.split("plan:", 1)[1]) for n in notices if "plan:" in n]


async def _ids(conn: psycopg.AsyncConnection[Any]) -> tuple[str, int, int, float]:
    """An account with an open job, that job, a phase-1 job, and jit_above_cost."""
    cur = await conn.execute(
        """select j.account_id::text, j.id,
                  (select r.id from meta_sync.sync_jobs r where r.sync_phase = 'recent_window'
                   order by r.id limit 1),
                  current_setting('jit_above_cost')::float8
           from meta_sync.sync_jobs j where j.status = 'pending' order by j.id limit 1"""
    )
    row = await cur.fetchone()
    assert row is not None
    return str(row[0]), int(row[1]), int(row[2]), float(row[3])


def _page_queries(account: str, job: int, recent: int) -> dict[str, Query]:
    everything, filtered = q.AccountFilter(), q.AccountFilter(tier="high", state="active")
    later = q.Cursor(1, datetime(2000, 1, 1, tzinfo=UTC), "act_0")
    return {
        "list, first page": lambda c: q.list_accounts(c, everything, None, 51),
        "list, a later page": lambda c: q.list_accounts(c, everything, later, 51),
        "list, tier + state": lambda c: q.list_accounts(c, filtered, None, 51),
        "list, search": lambda c: q.list_accounts(c, q.AccountFilter(search="1000999"), None, 51),
        "count": lambda c: q.count_accounts(c, everything),
        "count, tier + state": lambda c: q.count_accounts(c, filtered),
        "error panel": q.error_summary,
        "account status": lambda c: q.account_status(c, account),
        "account jobs": lambda c: q.account_jobs(c, account),
        "account freshness": lambda c: q.account_freshness(c, account),
        "job progress": lambda c: q.job_progress(c, job),
        "job chunks": lambda c: q.job_chunks(c, job),
        "follow-up job": lambda c: q.follow_up_job(c, recent),
        "progress events": lambda c: q.job_event_details(c, [job, recent]),
    }


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
@pytest.mark.parametrize("member", [False, True], ids=["operator", "member"])
async def test_console_pages_do_no_per_account_work_at_10000_accounts(
    big_world: str, member: bool, plan_mode: str
) -> None:
    async with await psycopg.AsyncConnection.connect(big_world, autocommit=True) as conn:
        account_id, job, recent, jit_above = await _ids(conn)
    offenders: dict[str, str] = {}
    for name, query in _page_queries(account_id, job, recent).items():
        plans = await _explained(big_world, member, plan_mode, query)
        assert plans, f"{name}: auto_explain reported no plan"
        for plan in plans:
            top = plan["Plan"]
            scans = [n for n in _nodes(top) if n.get("Relation Name") not in LISTED]
            busiest = max(scans, key=lambda n: n["Actual Loops"], default=None)
            loops = busiest["Actual Loops"] if busiest else 0
            if loops > MAX_LOOPS or top["Total Cost"] >= jit_above:
                offenders[name] = (
                    f"cost {top['Total Cost']}, {busiest and busiest['Relation Name']}"
                    f" read {loops} times"
                )
    assert offenders == {}
