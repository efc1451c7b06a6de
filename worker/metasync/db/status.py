"""What admins and progress displays read: the status view, job progress, phase totals."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any
from uuid import UUID

from psycopg import sql

from metasync.db._run import Conn, rows, scalar, tuples


async def ping(conn: Conn) -> bool:
    """The database answers."""
    return await scalar(conn, "select true") is True


async def account_status(conn: Conn, organization: str | None) -> list[dict[str, Any]]:
    """Rows of ``meta_sync_status`` (of one organisation, by name in any case or id, when
    given)."""
    return await rows(
        conn,
        "select * from meta_sync.meta_sync_status where %(org)s::text is null"
        " or lower(btrim(organization_name)) = lower(btrim(%(org)s))"
        " or organization_id::text = lower(btrim(%(org)s))"
        " order by organization_name, tier, next_sync_at nulls last, account_id",
        {"org": organization},
    )


async def job_progress(
    conn: Conn,
    *,
    job_ids: Collection[int] = (),
    organization_ids: Collection[UUID] | None = None,
    open_only: bool = False,
) -> list[dict[str, Any]]:
    """Rows of ``sync_job_progress``: the given jobs, else (``open_only``) the open ones; of
    the given organisations when ``organization_ids`` is not None."""
    where: list[sql.Composable] = [sql.SQL("true")]
    args: list[Any] = []
    if job_ids:
        where.append(sql.SQL("job_id = any(%s)"))
        args.append(sorted(job_ids))
    elif open_only:
        where.append(sql.SQL("status in ('pending', 'in_progress')"))
    if organization_ids is not None:
        where.append(sql.SQL("organization_id = any(%s)"))
        args.append(sorted(organization_ids))
    query = sql.SQL("select * from meta_sync.sync_job_progress where {} order by job_id")
    return await rows(conn, query.format(sql.SQL(" and ").join(where)), args)


async def phase_totals(conn: Conn) -> list[dict[str, Any]]:
    """Per phase: jobs, not completed, wall seconds (first start to last completion), insight
    rows written, Graph calls."""
    return await rows(
        conn,
        "select sync_phase::text as phase, count(*) as jobs,"
        " count(*) filter (where status <> 'completed') as not_completed,"
        " extract(epoch from max(completed_at) - min(coalesce(started_at, created_at)))"
        "   as seconds,"
        " sum(insight_rows_written) as rows, sum(api_calls) as calls"
        " from meta_sync.sync_jobs group by 1 order by min(created_at)",
    )


async def phase_1_days(conn: Conn) -> int:
    """How many recent days phase 1 of onboarding reads (``sync_planner_settings``)."""
    return int(await scalar(conn, "select phase_1_days from meta_sync.sync_planner_settings"))


async def completed_ranges(conn: Conn, account_id: str) -> list[tuple[date, date]]:
    """The date ranges of the account's completed insight jobs, earliest first."""
    found = await tuples(
        conn,
        "select date_since, date_until from meta_sync.sync_jobs where account_id = %s"
        " and status = 'completed' and date_since is not null order by date_since",
        (account_id,),
    )
    return [(r[0], r[1]) for r in found]
