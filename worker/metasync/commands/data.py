"""``metasync export`` and ``metasync fx import``: the data people take out, the rates put in.

Bad input ends with a one-line error and exit code 2; an fx import is one transaction (a bad
line stores nothing); an export to a file is written under a temporary name and renamed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer

from metasync.commands.admin import check_act_id, fail
from metasync.db.errors import MetaSyncDatabaseError
from metasync.db.export import ExportScope, account_exists, resolve_organization
from metasync.db.fx import ImportResult, store_rates
from metasync.db.kpi import LEVELS
from metasync.export import FORMATS, ExportError, ExportResult, export_csv, export_parquet
from metasync.fx import RateFileError, read_rate_file
from metasync.postgres.connect import resolve_database_url
from metasync.settings import get_settings

fx_app = typer.Typer(help="Exchange rates for organisation rollups.", no_args_is_help=True)


async def _connect() -> psycopg.AsyncConnection[Any]:
    url = resolve_database_url(get_settings())
    return await psycopg.AsyncConnection.connect(url, autocommit=True)


@fx_app.command("import")
def fx_import(
    file: Annotated[
        Path, typer.Argument(help="ECB eurofxref(-hist).csv or a date,currency,rate CSV")
    ],
    source: Annotated[str | None, typer.Option(help="Label stored with the rates")] = None,
) -> None:
    """Load exchange rates (units of each currency for 1 EUR) into meta_sync.fx_rates."""
    try:
        parsed = read_rate_file(file)
    except RateFileError as exc:
        raise fail(f"{file}: {exc}") from exc

    async def main() -> ImportResult:
        async with await _connect() as conn, conn.transaction():
            return await store_rates(conn, parsed.rates, source or parsed.layout, datetime.now(UTC))

    try:
        result = asyncio.run(main())
    except MetaSyncDatabaseError as exc:
        raise fail(str(exc)) from exc
    span = f"{result.first} .. {result.last}" if result.first else "no days"
    typer.echo(
        f"{result.rates} rates ({parsed.layout} layout) for {len(result.currencies)} currencies,"
        f" {span}; {result.changed} new or changed"
    )


def export_command(
    since: Annotated[str, typer.Option(help="First day, YYYY-MM-DD (account days)")],
    until: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD")],
    org: Annotated[str | None, typer.Option("--org", help="Organisation name or id")] = None,
    account: Annotated[str | None, typer.Option(help="Ad account act_<digits>")] = None,
    level: Annotated[str, typer.Option(help=f"One of {', '.join(LEVELS)}")] = "campaign",
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (CSV: stdout if omitted)")
    ] = None,
    batch_rows: Annotated[int, typer.Option(help="Parquet rows per batch / row group")] = 50_000,
) -> None:
    """Export kpi_daily rows of one level and range as CSV or Parquet, streamed."""
    scope_args = _check_export(since, until, level, fmt, output, account, batch_rows)
    try:
        result = asyncio.run(_export(scope_args, org, account, fmt, output, batch_rows))
    except (MetaSyncDatabaseError, ExportError) as exc:
        raise fail(str(exc)) from exc
    if output is not None:
        typer.echo(f"{result.rows} rows -> {output} ({fmt}, {result.batches} batch(es))", err=True)


def _check_export(
    since: str, until: str, level: str, fmt: str, output: Path | None, account: str | None,
    batch_rows: int,
) -> tuple[str, date, date]:  # fmt: skip
    try:
        first, last = date.fromisoformat(since), date.fromisoformat(until)
    except ValueError as exc:
        raise fail(f"bad date: {exc} (expected YYYY-MM-DD)") from exc
    if first > last:
        raise fail(f"--since {first} is after --until {last}")
    if level not in LEVELS:
        raise fail(f'unknown level "{level}": one of {", ".join(LEVELS)}')
    if fmt not in FORMATS:
        raise fail(f'unknown format "{fmt}": csv or parquet')
    if fmt == "parquet" and output is None:
        raise fail("--format parquet needs --output FILE")
    if batch_rows < 1:
        raise fail("--batch-rows must be at least 1")
    if account is not None:
        check_act_id(account)
    return level, first, last


async def _export(
    args: tuple[str, date, date], org: str | None, account: str | None, fmt: str,
    output: Path | None, batch_rows: int,
) -> ExportResult:  # fmt: skip
    level, first, last = args
    async with await _connect() as conn:
        org_id = await resolve_organization(conn, org) if org is not None else None
        if account is not None and not await account_exists(conn, account):
            raise ExportError(f"no ad account {account}")
        scope = ExportScope(level, first, last, org_id, account)
        if fmt == "parquet":
            assert output is not None
            return await export_parquet(conn, scope, output, batch_rows)
        if output is None:
            return await export_csv(conn, scope, sys.stdout.buffer)
        partial = output.with_name(output.name + ".partial")
        try:
            with partial.open("wb") as handle:
                result = await export_csv(conn, scope, handle)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        return result
