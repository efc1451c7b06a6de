"""``metasync db``: migrations and the embedded cluster."""

from __future__ import annotations

import typer
from rich.console import Console

from metasync.postgres.connect import embedded_cluster, resolve_database_url
from metasync.postgres.migrate import MigrationError, migrate
from metasync.settings import get_settings

app = typer.Typer(
    help="Database: migrations and the embedded local PostgreSQL.", no_args_is_help=True
)
console = Console()


@app.command("migrate")
def migrate_command() -> None:
    """Apply every pending migration in order (safe to run twice, and from two processes)."""
    url = resolve_database_url(get_settings())
    try:
        applied = migrate(url)
    except MigrationError as exc:
        console.print(f"[red]migration failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    if applied:
        for migration in applied:
            console.print(f"applied {migration.version}_{migration.name}")
    console.print(f"database is current ({len(applied)} migration(s) applied now)")


@app.command("url")
def url_command() -> None:
    """Print the database URL in use (starting the embedded cluster if it is the default)."""
    print(resolve_database_url(get_settings()))


@app.command("stop")
def stop_command() -> None:
    """Stop the embedded local PostgreSQL (no effect with DATABASE_URL)."""
    embedded_cluster(get_settings()).stop()
