"""``metasync jobs [ACCOUNT]`` and ``metasync job show|cancel|retry ID``: the sync jobs, with the
reason a job that makes no progress waits (``sync_job_progress.waiting_reason``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from metasync.commands.common import (
    check_act_id,
    duration,
    fail,
    plain,
    print_json,
    run_db,
    when,
)  # fmt: skip
from metasync.db import jobs as db

job_app = typer.Typer(help="One sync job: show, cancel, retry.", no_args_is_help=True)
JobArg = Annotated[int, typer.Argument(help="The job id (see `metasync jobs`).", min=1)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]
PHASES = {"recent_window": "phase 1", "historical_backfill": "phase 2"}


def waiting(row: dict[str, Any]) -> str:
    reason = row.get("waiting_reason")
    if reason is None:
        return "-"
    until = row.get("waiting_until")
    return f"{reason} until {when(until)}" if until else str(reason)


def jobs_command(
    account_id: Annotated[
        str | None, typer.Argument(help="Only this ad account (act_<digits>).")
    ] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only pending and running jobs.")
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many, newest first.", min=1, max=10000)
    ] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The newest sync jobs: phase, status, progress, ETA, why a job waits."""
    if account_id is not None:
        check_act_id(account_id)
    rows = run_db(lambda conn: db.list_jobs(conn, account_id, open_only=open_only, limit=limit))
    if as_json:
        print_json(rows)
        return
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0))
    for header in (
        "job",
        "account",
        "phase",
        "status",
        "progress",
        "ETA",
        "created UTC",
        "waiting",
    ):
        table.add_column(header, no_wrap=header != "waiting", overflow="fold")
    for r in rows:
        phase = PHASES.get(r["sync_phase"], r["sync_phase"])
        progress = f"{r['progress_percentage']:.0f} %"
        eta, created = duration(r["eta_seconds"]), when(r["created_at"], short=True)
        table.add_row(str(r["job_id"]), r["account_id"], phase, r["status"], progress, eta,
                      created, waiting(r))  # fmt: skip
    Console().print(table if rows else "no sync job")


def _one(job_id: int) -> dict[str, Any]:
    rows = run_db(lambda conn: db.get_jobs(conn, [job_id]))
    if not rows:
        raise fail(f"no sync job {job_id} (see `metasync jobs`)")
    return rows[0]


@job_app.command("show")
def show_command(job_id: JobArg, as_json: JsonOpt = False) -> None:
    """Every field of one job, with why it waits when it does."""
    row = _one(job_id)
    if as_json:
        print_json(row)
        return
    for key, value in row.items():
        shown = duration(value) if key.endswith("_seconds") else plain(value)
        typer.echo(f"{key:24} {shown}")


@job_app.command("cancel")
def cancel_command(
    job_id: JobArg,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Kept as the job's last error.")
    ] = None,
) -> None:
    """Cancel an open job: its waiting chunks are cancelled, running ones lose their lease."""
    chunks = run_db(
        lambda conn: db.cancel_sync_job(conn, job_id, reason or "cancelled from the CLI")
    )
    typer.echo(f"job {job_id} cancelled ({chunks} chunks)")


@job_app.command("retry")
def retry_command(job_id: JobArg) -> None:
    """Give the failed chunks of a job another go (a cancelled job is refused: sync again)."""
    chunks = run_db(lambda conn: db.retry_failed_chunks(conn, job_id))
    typer.echo(f"job {job_id}: {chunks} failed chunks queued again" if chunks
               else f"job {job_id} has no failed chunk: nothing to retry")  # fmt: skip
