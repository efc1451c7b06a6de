"""Sync jobs from Python: listing and showing them (``sync_job_progress``, with the reason a job
waits), cancelling (``cancel_sync_job``) and retrying (``retry_failed_chunks``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from metasync.db._query import Conn, rows, scalar

_NOW = "coalesce(%(now)s::timestamptz, now())"

JOBS_SQL = """
select job_id, account_id, sync_phase::text, status::text, date_since, date_until,
       progress_percentage, completed_chunks, total_chunks, failed_chunks, eta_seconds,
       created_at, completed_at, waiting_reason, waiting_until, last_error
from meta_sync.sync_job_progress
where (%(account)s::text is null or account_id = %(account)s)
  and (not %(open)s or status in ('pending', 'in_progress'))
order by job_id desc
limit %(limit)s
"""


async def list_jobs(
    conn: Conn, account_id: str | None = None, *, open_only: bool = False, limit: int = 50
) -> list[dict[str, Any]]:
    """The newest jobs first (of one account, or all)."""
    args = {"account": account_id, "open": open_only, "limit": limit}
    return await rows(conn, JOBS_SQL, args)


async def get_jobs(conn: Conn, job_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every column of ``sync_job_progress`` for these ids (unknown ids are simply missing)."""
    return await rows(
        conn,
        "select * from meta_sync.sync_job_progress where job_id = any(%(ids)s) order by job_id",
        {"ids": list(job_ids)},
    )


async def cancel_sync_job(
    conn: Conn, job_id: int, reason: str | None = None, now: datetime | None = None
) -> int:
    """Cancel an open job; how many chunks were cancelled."""
    sql = f"select meta_sync.cancel_sync_job(%(job)s, %(reason)s, {_NOW})"
    return int(await scalar(conn, sql, {"job": job_id, "reason": reason, "now": now}))


async def retry_failed_chunks(conn: Conn, job_id: int, now: datetime | None = None) -> int:
    """Give the failed chunks of a job another go; how many."""
    sql = f"select meta_sync.retry_failed_chunks(%(job)s, {_NOW})"
    return int(await scalar(conn, sql, {"job": job_id, "now": now}))
