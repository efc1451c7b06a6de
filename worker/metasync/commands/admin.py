"""Admin commands: ``metasync status``, ``metasync tier set``, ``metasync accounts add``.

Bad input ends with a one-line error and exit code 2; every write happens in one transaction,
so a refusal writes nothing.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import psycopg
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from metasync.db import accounts, scheduling, status
from metasync.db.errors import MetaSyncDatabaseError
from metasync.postgres.connect import resolve_database_url
from metasync.settings import get_settings

T = TypeVar("T")
ACT_ID = re.compile(r"^act_[0-9]{1,20}$")
TIERS = ("high", "medium", "low")

tier_app = typer.Typer(help="Sync tiers of ad accounts.", no_args_is_help=True)
accounts_app = typer.Typer(help="Ad accounts under sync.", no_args_is_help=True)
console = Console()


def fail(message: str) -> typer.Exit:
    """Print a one-line error; the caller raises the returned Exit(2)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def run_db(work: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the configured database; refusals exit with code 2."""

    async def main() -> T:
        url = resolve_database_url(get_settings())
        async with await psycopg.AsyncConnection.connect(url) as conn:
            return await work(conn)

    try:
        return asyncio.run(main())
    except MetaSyncDatabaseError as exc:
        raise fail(str(exc)) from exc
    except psycopg.errors.UniqueViolation as exc:
        raise fail(exc.diag.message_detail or str(exc)) from exc


def check_act_id(account_id: str) -> None:
    if not ACT_ID.match(account_id):
        raise fail(f'malformed ad account id "{account_id}": expected act_<digits>')


def check_tier(tier: str) -> None:
    if tier not in TIERS:
        raise fail(f'unknown tier "{tier}": valid tiers are {", ".join(TIERS)}')


# --- status ------------------------------------------------------------------------------------


async def fetch_status(conn: psycopg.AsyncConnection[Any], org: str | None) -> list[dict[str, Any]]:
    return await status.account_status(conn, org)


def _cell(value: Any, *, short: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return f"{value:.0f}"
    return str(value)


def _job(row: Mapping[str, Any]) -> str:
    """The running (else next) job as ``phase 1 45%``."""
    phase = row.get("running_job_phase")
    if phase is None:
        return "-"
    name = {"recent_window": "phase 1", "historical_backfill": "phase 2"}.get(phase, phase)
    percent = row.get("running_job_progress_percentage")
    return f"{name} {percent:.0f}%" if percent is not None else name


# The compact table (80 columns): what an admin scans first. --wide shows every column.
COMPACT = {
    "account_id": "account", "tier": "tier", "last_meta_sync_at": "last sync",
    "minutes_until_next_sync": "next in", "sync_error_count": "err",
    "connection_status": "token", "insights_fresh_through": "fresh through", "job": "job",
}  # fmt: skip
WIDE = {
    "organization_name": "org", "account_id": "account", "account_name": "name",
    "tier": "tier", "paused": "paused", "last_meta_sync_at": "last sync",
    "minutes_until_next_sync": "next in (min)", "is_due": "due",
    "sync_error_count": "errors", "last_sync_error": "last error",
    "rate_limit_backoff_until": "backoff until", "connection_status": "connection",
    "insights_fresh_through": "fresh through", "phase_1_completed_at": "phase 1",
    "phase_2_completed_at": "phase 2", "onboarding_retry_at": "onboarding retry",
    "running_job_phase": "job", "running_job_progress_percentage": "progress %",
    "running_job_eta": "ETA",
}  # fmt: skip


def status_table(rows: list[dict[str, Any]], *, wide: bool = False) -> Table:
    columns = WIDE if wide else COMPACT
    table = Table(title="meta_sync_status", box=box.SIMPLE_HEAD if wide else None,
                  pad_edge=False, padding=(0, 1))  # fmt: skip
    for key, header in columns.items():
        table.add_column(header, no_wrap=not wide or key == "account_id", overflow="fold")
    for row in rows:
        cells = {**row, "job": _job(row)}
        table.add_row(*(_cell(cells.get(key), short=not wide) for key in columns))
    return table


def status_command(
    org: str | None = typer.Option(None, "--org", help="Organization name or id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    wide: bool = typer.Option(False, "--wide", help="Every column of the view."),
) -> None:
    """Where every ad account stands: tier, last/next sync, errors, backoff, running job."""
    rows = run_db(lambda conn: fetch_status(conn, org))
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=2))
    else:
        console.print(status_table(rows, wide=wide))


# --- tier set ----------------------------------------------------------------------------------


@tier_app.command("set")
def tier_set_command(account_id: str, tier: str) -> None:
    """Set the sync tier (high | medium | low) of an ad account; prints its next sync time."""
    check_act_id(account_id)
    check_tier(tier)
    next_sync = run_db(lambda conn: scheduling.set_sync_priority(conn, account_id, tier))
    typer.echo(f"{account_id}: tier {tier}, next sync {_cell(next_sync)}")


# --- accounts add ------------------------------------------------------------------------------


async def ensure_organization(conn: psycopg.AsyncConnection[Any], org: str) -> UUID:
    """The organization with this id or name; a new name creates it."""
    try:
        by_id: UUID | None = UUID(org)
    except ValueError:
        by_id = None
    if by_id is not None:
        if not await accounts.organization_exists(conn, by_id):
            raise fail(f"no organization with id {org}")
        return by_id
    return await accounts.ensure_organization(conn, org)


async def add_account(
    conn: psycopg.AsyncConnection[Any], org: str, values: dict[str, Any]
) -> tuple[UUID, int]:
    org_id = await ensure_organization(conn, org)
    row = accounts.AccountRow(
        values["id"], values["name"], values["currency"], values["tz"], values["created"]
    )
    await accounts.insert_ad_account(conn, row, organization_id=org_id, tier=values["tier"])
    job_id = await scheduling.start_account_onboarding(conn, values["id"])
    return org_id, job_id


def parse_created_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise fail(f'invalid --created-time "{value}": expected an ISO date or timestamp') from None


@accounts_app.command("add")
def accounts_add_command(
    account_id: str,
    org: str = typer.Option(..., "--org", help="Organization name (created if new) or id."),
    name: str | None = typer.Option(None, "--name"),
    currency: str | None = typer.Option(None, "--currency", help="ISO 4217, e.g. EUR."),
    timezone: str = typer.Option("UTC", "--timezone", help="IANA time zone of the account."),
    created_time: str | None = typer.Option(None, "--created-time", help="ISO date/timestamp."),
    tier: str = typer.Option("medium", "--tier", help="high | medium | low"),
) -> None:
    """Add an ad account to an organization and start its onboarding (phase 1)."""
    check_act_id(account_id)
    check_tier(tier)
    if not org.strip():
        raise fail("--org must not be blank")
    values = {
        "id": account_id, "name": name, "currency": currency, "tz": timezone,
        "created": parse_created_time(created_time), "tier": tier,
    }  # fmt: skip
    org_id, job_id = run_db(lambda conn: add_account(conn, org, values))
    typer.echo(f"{account_id} added to organization {org_id}; onboarding job {job_id}")


def register(app: typer.Typer) -> None:
    """Attach the admin commands to the ``metasync`` app."""
    app.command("status")(status_command)
    app.add_typer(tier_app, name="tier")
    app.add_typer(accounts_app, name="accounts")
