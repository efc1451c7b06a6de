"""``metasync db``: migrations and the embedded cluster."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from metasync.postgres.connect import embedded_cluster, resolve_database_url
from metasync.postgres.migrate import MigrationError, MigrationReport, inspect, migrate
from metasync.settings import get_settings

app = typer.Typer(
    help="Database: migrations and the embedded local PostgreSQL.", no_args_is_help=True
)
console = Console()
errors = Console(stderr=True)


@app.command("migrate")
def migrate_command(
    to: str | None = typer.Option(
        None, "--to", metavar="VERSION", help="Stop after this migration version (a timestamp)."
    ),
) -> None:
    """Apply every pending migration in order (safe to run twice, and from two processes)."""
    url = resolve_database_url(get_settings())
    try:
        applied = migrate(url, target=to)
    except MigrationError as exc:
        errors.print(f"[red]db migrate refused:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    for migration in applied:
        console.print(f"applied {migration.file_name}", highlight=False, soft_wrap=True)
    console.print(f"database is current ({len(applied)} migration(s) applied now)")


@app.command("status")
def status_command() -> None:
    """Applied, pending and changed migrations (exit 1 when the history does not match)."""
    url = resolve_database_url(get_settings())
    try:
        report = inspect(url)
    except MigrationError as exc:
        errors.print(f"[red]db status:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    console.print(_report_table(report))
    refusal = report.refusal()
    if refusal is not None:
        errors.print(
            f"[red]history does not match:[/red] {refusal}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1)
    console.print(
        f"{len(report.applied) + len(report.unverified)} applied, {len(report.pending)} pending"
    )


def _report_table(report: MigrationReport) -> Table:
    table = Table("migration", "state")
    rows = (
        [(m.file_name, "applied") for m in report.applied]
        + [
            (m.file_name, "applied (no checksum: recorded by another tool)")
            for m in report.unverified
        ]
        + [(m.file_name, "[red]changed since applied[/red]") for m in report.changed]
        + [(m.file_name, "pending") for m in report.pending]
        + [(f"{m.version}_{m.name}", "[red]unknown to this package[/red]") for m in report.unknown]
    )
    for name, state in sorted(rows):
        table.add_row(name, state)
    return table


@app.command("url")
def url_command() -> None:
    """Print the database URL in use (starting the embedded cluster if it is the default)."""
    print(resolve_database_url(get_settings()))


@app.command("stop")
def stop_command() -> None:
    """Stop the embedded local PostgreSQL (no effect with DATABASE_URL)."""
    embedded_cluster(get_settings()).stop()
