"""Admin commands: ``metasync status`` and ``metasync tier set``.

Bad input ends with a one-line error and exit code 2; every write happens in one transaction,
so a refusal writes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

import psycopg
import typer
from rich.console import Console

from metasync.commands.common import (
    check_act_id,
    check_tier,
    fail,
    plain,
    print_json,
    run_db,
    when,
)  # fmt: skip
from metasync.commands.status_table import status_table
from metasync.db import schedule as schedule_db
from metasync.db import scheduling, status

# Kept importable under their old names (tests and scripts use them).
__all__ = ["check_act_id", "check_tier", "fail", "run_db", "status_command", "tier_set_command"]

tier_app = typer.Typer(help="Sync tiers of ad accounts.", no_args_is_help=True)
console = Console()


async def fetch_status(
    conn: psycopg.AsyncConnection[Any], org: str | None
) -> tuple[list[dict[str, Any]], schedule_db.ScheduleState]:
    return await status.account_status(conn, org), await schedule_db.schedule_state(conn)


def pause_line(state: schedule_db.ScheduleState) -> str | None:
    if not state.paused:
        return None
    why = f": {state.reason}" if state.reason else ""
    return (f"schedule paused since {when(state.paused_at)} by {state.paused_by or '?'}{why}"
            " (no scheduled sync is enqueued; `metasync schedule resume`)")  # fmt: skip


def status_command(
    org: Annotated[
        str | None, typer.Option("--org", help="Only this organisation (name in any case, or id).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the view's rows as JSON (for scripts).")
    ] = False,
    wide: Annotated[
        bool, typer.Option("--wide", help="Every column of the view (wrapped).")
    ] = False,
) -> None:
    """Where every ad account stands: tier, last/next sync, errors, token, job, why it waits."""
    rows, state = run_db(lambda conn: fetch_status(conn, org))
    if as_json:
        print_json(rows)
        return
    line = pause_line(state)
    if line:
        console.print(line, style="yellow", soft_wrap=True)
    if not rows:
        console.print("no ad account" + (f" in organisation {org!r}" if org else ""))
        return
    console.print(status_table(rows, width=console.width, wide=wide))


@tier_app.command("set")
def tier_set_command(
    account_id: Annotated[str, typer.Argument(help="The ad account, act_<digits>.")],
    tier: Annotated[str, typer.Argument(help="high | medium | low")],
) -> None:
    """Set the sync tier of an ad account; prints its next sync time."""
    check_act_id(account_id)
    check_tier(tier)
    next_sync = run_db(lambda conn: scheduling.set_sync_priority(conn, account_id, tier))
    typer.echo(f"{account_id}: tier {tier}, next sync {plain(next_sync)}")
