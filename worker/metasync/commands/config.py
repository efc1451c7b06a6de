"""``metasync config show|set``: the per-tier schedule (``meta_sync.meta_sync_config``), changed
through ``set_sync_config`` with its range checks; the accounts of a tier are rescheduled."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from metasync.commands.common import check_tier, print_json, run_db, when
from metasync.db import schedule as db

app = typer.Typer(help="The tier schedule: intervals and re-read ranges.", no_args_is_help=True)


@app.command("show")
def show_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")] = False,
) -> None:
    """Each tier: how often it syncs, how many days it re-reads, the daily settle."""
    rows = run_db(db.get_sync_config)
    if as_json:
        print_json(rows)
        return
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0))
    headers = ("tier", "every", "re-reads", "settle", "settle every", "structure every", "hourly",
               "changed UTC")  # fmt: skip
    for header in headers:
        table.add_column(header, no_wrap=True)
    for r in rows:
        table.add_row(r["tier"], f"{r['interval_minutes']} min", f"{r['date_range_days']} days",
                      f"{r['settle_lookback_days']} days", f"{r['settle_interval_minutes']} min",
                      f"{r['structure_refresh_minutes']} min",
                      "on" if r["hourly_enabled"] else "off",
                      when(r["updated_at"], short=True))  # fmt: skip
    Console().print(table)


@app.command("set")
def set_command(
    tier: Annotated[str, typer.Argument(help="high | medium | low")],
    interval_minutes: Annotated[
        int | None,
        typer.Option("--interval-minutes", help="Minutes between scheduled syncs (5..10080)."),
    ] = None,
    date_range_days: Annotated[
        int | None, typer.Option("--range-days", help="Days each sync re-reads (1..90).")
    ] = None,
    settle_lookback_days: Annotated[
        int | None, typer.Option("--settle-days", help="Days the settle re-reads (1..90).")
    ] = None,
    settle_interval_minutes: Annotated[
        int | None,
        typer.Option("--settle-interval-minutes", help="Minutes between settles (60..43200)."),
    ] = None,
    structure_refresh_minutes: Annotated[
        int | None,
        typer.Option(
            "--structure-refresh-minutes",
            help="Minutes after which a scheduled run lists the structure again (5..10080).",
        ),
    ] = None,
    hourly: Annotated[
        bool | None,
        typer.Option("--hourly/--no-hourly", help="Also read hourly insights for this tier."),
    ] = None,
) -> None:
    """Change a tier's schedule; values out of range are refused and nothing changes."""
    check_tier(tier)
    values: dict[str, int | bool | None] = {
        "interval_minutes": interval_minutes, "date_range_days": date_range_days,
        "settle_lookback_days": settle_lookback_days,
        "settle_interval_minutes": settle_interval_minutes,
        "structure_refresh_minutes": structure_refresh_minutes, "hourly_enabled": hourly,
    }  # fmt: skip
    if all(v is None for v in values.values()):
        raise typer.BadParameter("give at least one of --interval-minutes, --range-days,"
                                 " --settle-days, --settle-interval-minutes,"
                                 " --structure-refresh-minutes, --hourly/--no-hourly")  # fmt: skip
    row = run_db(lambda conn: db.set_sync_config(conn, tier, values))
    typer.echo(f"tier {row['tier']}: every {row['interval_minutes']} min, re-reads"
               f" {row['date_range_days']} days; settle {row['settle_lookback_days']} days every"
               f" {row['settle_interval_minutes']} min; structure listed every"
               f" {row['structure_refresh_minutes']} min; hourly"
               f" {'on' if row['hourly_enabled'] else 'off'}")  # fmt: skip
