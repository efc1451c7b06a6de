"""``metasync schedule pause|resume``: the one pause of the whole schedule.

While paused, ``enqueue_due_syncs`` creates nothing, whoever calls it (pg_cron's ``/tick``, an
idle ``metasync run``); manual syncs (``metasync sync``) and jobs already queued still run.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metasync.commands.common import actor, run_db, when
from metasync.db import schedule as db

app = typer.Typer(help="Pause or resume the whole schedule (cron and workers alike).",
                  no_args_is_help=True)  # fmt: skip


@app.command("pause")
def pause_command(
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (shown by `metasync status`).")
    ] = None,
) -> None:
    """Stop scheduling new syncs (manual syncs and queued jobs still run)."""
    since = run_db(lambda conn: db.pause_schedule(conn, actor(), reason))
    typer.echo(f"schedule paused since {when(since)}: no scheduled sync is enqueued until"
               " `metasync schedule resume` (manual syncs still run)")  # fmt: skip


@app.command("resume")
def resume_command() -> None:
    """Schedule again: what fell due meanwhile is enqueued at the next tick."""
    was = run_db(db.resume_schedule)
    typer.echo("schedule resumed" if was else "the schedule was not paused: nothing changed")
