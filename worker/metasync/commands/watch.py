"""``metasync watch [JOB_ID]... [--org NAME]``: live progress bars until nothing can progress.

Unknown job ids are refused before watching. Watching ends when every job is final, or waits
until someone acts (account paused, no usable connection): the reason and the command that
unblocks it are printed, and the exit code is 1.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import psycopg
import typer
from rich.console import Console

from metasync.commands.common import fail, run_db
from metasync.db import jobs as jobs_db
from metasync.postgres.connect import resolve_database_url
from metasync.progress import FINAL, JobState, ProgressBoard
from metasync.settings import get_settings
from metasync.watch import JobSelection, organization_ids, watch_jobs


async def run_watch(
    url: str, job_ids: list[int], org: str | None, board: ProgressBoard
) -> dict[int, JobState] | None:
    """The final states, or None when ``--org`` names no organisation."""
    orgs = None
    if org is not None:
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        async with conn:
            orgs = await organization_ids(conn, org)
        if not orgs:
            return None
    with board:
        return await watch_jobs(url, board, JobSelection(frozenset(job_ids), orgs))


def check_jobs_exist(job_ids: list[int]) -> None:
    found = {int(r["job_id"]) for r in run_db(lambda conn: jobs_db.get_jobs(conn, job_ids))}
    missing = sorted(set(job_ids) - found)
    if missing:
        raise fail(f"no sync job {', '.join(map(str, missing))} (see `metasync jobs`)")


def report(console: Console, jobs: dict[int, JobState]) -> int:
    """Say how the watched jobs ended or why they wait; the exit code."""
    code = 0
    for job in jobs.values():
        if job.status in FINAL - {"completed"}:
            console.print(f"job {job.job_id} ({job.account_id}) ended {job.status}")
            code = 1
        elif job.blocked:
            how = f": {job.waiting_hint}" if job.waiting_hint else ""
            line = f"job {job.job_id} ({job.account_id}) cannot progress: {job.waiting}{how}"
            console.print(line, soft_wrap=True, highlight=False)
            code = 1
    return code


def watch_command(
    job_ids: Annotated[
        list[int] | None, typer.Argument(help="Job ids to follow; default: every open job.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only jobs of this organisation (name in any case).")
    ] = None,
) -> None:
    """Live progress (phase, %, chunks, ETA, entities, rows) until nothing can progress."""
    console = Console()
    if job_ids:
        check_jobs_exist(job_ids)
    url = resolve_database_url(get_settings())
    board = ProgressBoard(console)
    try:
        jobs = asyncio.run(run_watch(url, job_ids or [], org, board))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    if jobs is None:
        raise fail(f"no organisation named {org!r} (see `metasync orgs list`)")
    if not jobs:
        console.print("nothing to watch: no open sync job")
        return
    raise typer.Exit(report(console, jobs))
