"""``metasync watch [JOB_ID]... [--org NAME]``: live progress bars until the jobs are final."""

from __future__ import annotations

import asyncio
from typing import Annotated

import psycopg
import typer
from rich.console import Console

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


def watch_command(
    job_ids: Annotated[
        list[int] | None, typer.Argument(help="Job ids to follow; default: every open job.")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only jobs of this organisation.")
    ] = None,
) -> None:
    """Live progress (phase, %, chunks, ETA, entities, rows) until the jobs are final."""
    console = Console()
    url = resolve_database_url(get_settings())
    board = ProgressBoard(console)
    try:
        jobs = asyncio.run(run_watch(url, job_ids or [], org, board))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    if jobs is None:
        console.print(f"[red]no organisation named {org!r}[/red]")
        raise typer.Exit(2)
    if not jobs:
        console.print("nothing to watch: no open sync job")
        return
    bad = [j for j in jobs.values() if j.status in FINAL - {"completed"}]
    for job in bad:
        console.print(f"job {job.job_id} ({job.account_id}) ended {job.status}")
    raise typer.Exit(1 if bad else 0)


def register(app: typer.Typer) -> None:
    app.command("watch")(watch_command)
