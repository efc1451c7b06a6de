"""The console's queries: one async function per query, each run inside the caller's transaction.

Reads run with the viewer's identity: :func:`act_as_viewer` does what PostgREST does for a
signed-in request (``set local role authenticated`` and the JWT claims in
``request.jwt.claims``), so the RLS policies of ``sql/03xx`` decide what a member sees. The
operator's transactions keep the server's own role. Actions call the existing SQL functions
(:mod:`metasync.db.scheduling`, plus the few defined here); refusals arrive as
:mod:`metasync.db.errors` exceptions carrying the SQL's message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from metasync.db.errors import translated

Conn = AsyncConnection[Any]
Row = dict[str, Any]

# The account's state, the same expression for the filter and the column.
_STATE = """case
  when a.paused then 'paused'
  when c.id is null or c.status <> 'active' then 'token_expired'
  when a.rate_limit_backoff_until > now() then 'throttled'
  when a.sync_error_count > 0 and a.next_sync_at > now() then 'backing_off'
  else 'active' end"""
STATES = ("active", "paused", "token_expired", "backing_off", "throttled")

# Due first (meta_sync_status' is_due), then by next sync time (onboarding accounts last).
_LISTED = f"""
select a.id::text as id,
       case when not a.paused and a.next_sync_at <= now() then 0 else 1 end as due_rank,
       coalesce(a.next_sync_at, '9999-12-31 00:00+00'::timestamptz) as sort_at,
       {_STATE} as state
from meta_sync.meta_ad_accounts a
left join meta_sync.meta_connections c on c.id = a.connection_id
where (%(org)s::uuid is null or a.organization_id = %(org)s::uuid)
  and (%(tier)s::text is null or a.meta_sync_priority::text = %(tier)s::text)
  and (%(pattern)s::text is null or a.id::text ilike %(pattern)s or a.name ilike %(pattern)s)
"""


@dataclass(frozen=True)
class AccountFilter:
    organization_id: UUID | None = None
    tier: str | None = None
    state: str | None = None
    search: str | None = None

    def params(self) -> dict[str, Any]:
        pattern = None
        if self.search:
            escaped = self.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
        return {
            "org": self.organization_id,
            "tier": self.tier,
            "state": self.state,
            "pattern": pattern,
        }


@dataclass(frozen=True)
class Cursor:
    """Where a page of the accounts list starts: after this (due_rank, sort_at, id)."""

    due_rank: int
    sort_at: datetime
    account_id: str


async def _rows(conn: Conn, sql: str, args: Mapping[str, Any] | None = None) -> list[Row]:
    async with translated(), conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql.encode(), args or {})
        return await cur.fetchall()


async def _one(conn: Conn, sql: str, args: Mapping[str, Any]) -> Row | None:
    rows = await _rows(conn, sql, args)
    return rows[0] if rows else None


# --- identity ----------------------------------------------------------------------------------
async def act_as_viewer(conn: Conn, claims: Mapping[str, Any]) -> None:
    """The rest of this transaction runs as ``authenticated`` with these JWT claims."""
    async with translated():
        await conn.execute("set local role authenticated")
        await conn.execute(
            "select pg_catalog.set_config('request.jwt.claims', %s, true)", (json.dumps(claims),)
        )


async def leave_viewer(conn: Conn) -> None:
    """Back to the server's own role for the rest of the transaction (after an admin check)."""
    await conn.execute("reset role")
    await conn.execute("select pg_catalog.set_config('request.jwt.claims', '', true)")


async def visible_organizations(conn: Conn) -> list[Row]:
    """The organisations the current identity may read (RLS), by name."""
    return await _rows(conn, "select id, name from meta_sync.organizations order by name, id")


async def account_access(conn: Conn, account_id: str) -> Row | None:
    """``organization_id`` and ``is_admin`` of a visible account; None when not visible."""
    sql = """select a.organization_id, meta_sync_private.is_org_admin(a.organization_id) as is_admin
             from meta_sync.meta_ad_accounts a where a.id::text = %(id)s"""
    return await _one(conn, sql, {"id": account_id})


async def job_access(conn: Conn, job_id: int) -> Row | None:
    """``account_id``, ``organization_id``, ``is_admin`` of a visible job; None when not."""
    sql = """select j.account_id::text as account_id, j.organization_id,
                    meta_sync_private.is_org_admin(j.organization_id) as is_admin
             from meta_sync.sync_jobs j where j.id = %(id)s"""
    return await _one(conn, sql, {"id": job_id})


# --- the accounts list -------------------------------------------------------------------------
async def list_accounts(
    conn: Conn, where: AccountFilter, after: Cursor | None, limit: int
) -> list[Row]:
    """One page of ``meta_sync_status`` rows (+ state, sort key), due first."""
    sql = f"""
with listed as ({_LISTED}),
page as (
  select * from listed l
  where (%(state)s::text is null or l.state = %(state)s::text)
    and (%(after_id)s::text is null
         or (l.due_rank, l.sort_at, l.id) > (%(after_rank)s, %(after_at)s, %(after_id)s::text))
  order by l.due_rank, l.sort_at, l.id
  limit %(limit)s
)
select s.*, p.state, p.due_rank, p.sort_at
from page p join meta_sync.meta_sync_status s on s.account_id = p.id
order by p.due_rank, p.sort_at, p.id"""
    args = where.params() | {
        "limit": limit,
        "after_rank": after.due_rank if after else None,
        "after_at": after.sort_at if after else None,
        "after_id": after.account_id if after else None,
    }
    return await _rows(conn, sql, args)


async def count_accounts(conn: Conn, where: AccountFilter) -> int:
    sql = f"""select count(*) as n from ({_LISTED}) l
              where (%(state)s::text is null or l.state = %(state)s::text)"""
    row = await _one(conn, sql, where.params())
    return int(row["n"]) if row else 0


async def error_summary(conn: Conn, limit: int = 20) -> list[Row]:
    """Accounts with errors, 3 or more consecutive ones first, then by count and recency."""
    sql = """select organization_name, account_id, account_name, sync_error_count,
                    last_sync_error, next_sync_at, rate_limit_backoff_until
             from meta_sync.meta_sync_status where sync_error_count > 0
             order by sync_error_count >= 3 desc, sync_error_count desc, account_id
             limit %(limit)s"""
    return await _rows(conn, sql, {"limit": limit})


async def rate_limit_state(conn: Conn) -> list[Row]:
    """Every rate-limit scope (operator only: members have no grant on the table)."""
    sql = """select scope_type, scope_id, usage_type, call_count_pct, total_cputime_pct,
                    total_time_pct, estimated_regain_minutes, blocked_until, last_throttle_code,
                    observed_at
             from meta_sync.meta_rate_limit_state
             order by scope_type, blocked_until desc nulls last, scope_id, usage_type"""
    return await _rows(conn, sql)


async def throttles_last_day(conn: Conn) -> Row:
    """Throttles of the last 24 hours: rate-limit scopes that answered a throttle code, and the
    accounts that backed off for one (operator only, like :func:`rate_limit_state`)."""
    sql = """select
      (select count(*) from meta_sync.meta_rate_limit_state r
        where r.last_throttle_code is not null and r.observed_at >= now() - interval '24 hours')
        as scopes,
      (select count(*) from meta_sync.meta_ad_accounts a
        where a.rate_limit_backoff_until >= now() - interval '24 hours') as accounts"""
    return await _one(conn, sql, {}) or {"scopes": 0, "accounts": 0}


async def sync_analytics(conn: Conn) -> list[Row]:
    sql = """select * from meta_sync.sync_analytics
             order by tier, array_position(enum_range(null::meta_sync.sync_phase), sync_phase)"""
    return await _rows(conn, sql)


# --- one account -------------------------------------------------------------------------------
async def account_status(conn: Conn, account_id: str) -> Row | None:
    """The account's ``meta_sync_status`` row with its time zone and state; None if invisible."""
    sql = f"""select s.*, a.timezone_name, a.currency, {_STATE} as state
              from meta_sync.meta_sync_status s
              join meta_sync.meta_ad_accounts a on a.id::text = s.account_id
              left join meta_sync.meta_connections c on c.id = a.connection_id
              where s.account_id = %(id)s"""
    return await _one(conn, sql, {"id": account_id})


async def account_jobs(conn: Conn, account_id: str, limit: int = 50) -> list[Row]:
    sql = """select * from meta_sync.sync_job_progress where account_id::text = %(id)s
             order by job_id desc limit %(limit)s"""
    return await _rows(conn, sql, {"id": account_id, "limit": limit})


async def account_freshness(conn: Conn, account_id: str) -> list[Row]:
    sql = """select dataset, fresh_through, synced_at from meta_sync.data_freshness
             where account_id::text = %(id)s order by dataset"""
    return await _rows(conn, sql, {"id": account_id})


# --- one job -----------------------------------------------------------------------------------
async def job_progress(conn: Conn, job_id: int) -> Row | None:
    """The job's ``sync_job_progress`` row; None when not visible."""
    return await _one(
        conn, "select * from meta_sync.sync_job_progress where job_id = %(id)s", {"id": job_id}
    )


async def job_chunks(conn: Conn, job_id: int) -> list[Row]:
    sql = """select id, chunk_type, date_since, date_until, status, retry_count, max_retries,
                    rows_written, api_calls, started_at, completed_at, actual_duration_seconds,
                    last_error
             from meta_sync.sync_job_chunks where job_id = %(id)s order by chunk_order, id"""
    return await _rows(conn, sql, {"id": job_id})


async def running_chunks(conn: Conn, job_id: int) -> list[Row]:
    """What a job runs now: its chunks in progress (kind and date range)."""
    sql = """select chunk_type, date_since, date_until from meta_sync.sync_job_chunks
             where job_id = %(id)s and status = 'in_progress' order by chunk_order, id"""
    return await _rows(conn, sql, {"id": job_id})


async def follow_up_job(conn: Conn, job_id: int) -> Row | None:
    """Phase 2 (history) of the account of a phase-1 job, once it exists; None otherwise."""
    sql = """select p.* from meta_sync.sync_jobs j
             join meta_sync.sync_job_progress p
               on p.account_id = j.account_id and p.sync_phase = 'historical_backfill'
             where j.id = %(id)s and j.sync_phase = 'recent_window'
             order by p.job_id desc limit 1"""
    return await _one(conn, sql, {"id": job_id})


# --- actions (after the caller's admin check) --------------------------------------------------
async def set_account_paused(conn: Conn, account_id: str, paused: bool) -> bool:
    """Pause or resume one account's schedule (``set_account_paused``); whether it was paused."""
    sql = (
        "select meta_sync.set_account_paused(p_account_id => %(id)s, p_paused => %(paused)s) as was"
    )
    row = await _one(conn, sql, {"id": account_id, "paused": paused})
    return bool(row and row["was"])


async def request_manual_sync(
    conn: Conn, account_id: str, since: date | None, until: date | None, requested_by: str
) -> int:
    sql = """select meta_sync.request_manual_sync(p_account_id => %(id)s, p_since => %(since)s,
               p_until => %(until)s, p_requested_by => %(by)s)"""
    row = await _one(
        conn, sql, {"id": account_id, "since": since, "until": until, "by": requested_by}
    )
    return int(next(iter(row.values()))) if row else 0


async def enqueue_incremental_sync(conn: Conn, account_id: str) -> int | None:
    """Sync now: the account's incremental job (None when one is open already)."""
    sql = "select meta_sync.enqueue_incremental_sync(p_account_id => %(id)s) as job_id"
    row = await _one(conn, sql, {"id": account_id})
    return None if row is None or row["job_id"] is None else int(row["job_id"])


async def cancel_sync_job(conn: Conn, job_id: int, reason: str) -> int:
    sql = "select meta_sync.cancel_sync_job(p_job_id => %(id)s, p_reason => %(reason)s) as n"
    row = await _one(conn, sql, {"id": job_id, "reason": reason})
    return int(row["n"]) if row else 0


async def retry_failed_chunks(conn: Conn, job_id: int) -> int:
    sql = "select meta_sync.retry_failed_chunks(p_job_id => %(id)s) as n"
    row = await _one(conn, sql, {"id": job_id})
    return int(row["n"]) if row else 0


async def job_event_details(conn: Conn, job_ids: list[int]) -> dict[int, Row]:
    """What progress events add to their notification, per job: entity counts, ETA in seconds,
    the last error and the chunks running now (the server's role: the hub filters by
    organisation)."""
    sql = """select p.job_id, p.campaigns_synced, p.adsets_synced, p.ads_synced,
                    p.creatives_synced, p.eta_seconds, p.last_error,
                    p.date_since::text as date_since, p.date_until::text as date_until,
                    coalesce((select json_agg(json_build_object('chunk_type', ch.chunk_type,
                                'date_since', ch.date_since, 'date_until', ch.date_until)
                              order by ch.chunk_order, ch.id)
                       from meta_sync.sync_job_chunks ch
                       where ch.job_id = p.job_id and ch.status = 'in_progress'), '[]') as running
             from meta_sync.sync_job_progress p where p.job_id = any(%(ids)s)"""
    rows = await _rows(conn, sql, {"ids": job_ids})
    return {int(r.pop("job_id")): r for r in rows}
