"""``metasync connect`` and ``metasync sync``: onboarding a token and asking for a manual sync."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable
from datetime import date
from typing import Annotated, Any

import httpx
import psycopg
import typer
from rich.console import Console

from metasync.clock import SYSTEM_CLOCK
from metasync.commands.accounts import warn_if_waiting
from metasync.commands.common import run_db
from metasync.connections import AppCredentials, ConnectError, ConnectResult, connect
from metasync.crypto import TokenCipher, TokenCipherError
from metasync.db import jobs as jobs_db
from metasync.db import queue, scheduling
from metasync.db.accounts import ConnectedAccount
from metasync.db.errors import MetaSyncDatabaseError, translated
from metasync.graph import GraphClient, GraphError
from metasync.postgres.connect import resolve_database_url
from metasync.redaction import register_secret
from metasync.settings import Settings, get_settings

console = Console()
err_console = Console(stderr=True)
TOKEN_ENV = "META_ACCESS_TOKEN"  # noqa: S105


def read_token(option: str | None) -> str:
    """``--token``, ``--token -`` (stdin), ``$META_ACCESS_TOKEN``, or a hidden prompt."""
    token = option
    if token is None:
        token = os.environ.get(TOKEN_ENV)
    if token == "-" or (token is None and not sys.stdin.isatty()):  # noqa: S105
        token = sys.stdin.readline()
    if token is None:
        token = typer.prompt("Meta access token", hide_input=True)
    token = token.strip()
    if not token:
        raise ConnectError(f"no token given (--token, --token - for stdin, or ${TOKEN_ENV})")
    register_secret(token)
    return token


async def run_connect(
    settings: Settings,
    *,
    organization: str,
    token: str,
    accounts: list[str],
    tier: str | None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ConnectResult:
    cipher = TokenCipher.from_settings(settings)
    url = resolve_database_url(settings)
    async with httpx.AsyncClient(transport=transport) as http:
        graph = GraphClient.from_settings(http, settings)
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        async with conn, translated():
            return await connect(
                conn, graph, cipher, organization=organization, token=token,
                account_ids=accounts, tier=tier, app=AppCredentials.from_settings(settings),
            )  # fmt: skip


def connect_command(
    org: Annotated[str, typer.Option("--org", help="Organisation name (created if new).")],
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help=f"Meta access token; '-' reads stdin; default ${TOKEN_ENV} or a hidden prompt.",
            show_default=False,
        ),
    ] = None,
    account: Annotated[
        list[str] | None,
        typer.Option("--account", help="act_<digits> to connect (repeatable); default: all."),
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", help="high | medium | low (default medium).")
    ] = None,
) -> None:
    """Connect a Meta token: validate, store encrypted, fetch the accounts, start phase 1."""
    settings = get_settings()
    try:
        secret = read_token(token)
        result = asyncio.run(
            run_connect(settings, organization=org, token=secret, accounts=account or [], tier=tier)
        )
    except MetaSyncDatabaseError as exc:
        err_console.print(f"[red]connect refused:[/red] {exc.line()} (nothing was stored)")
        raise typer.Exit(2) from None
    except (ConnectError, GraphError, TokenCipherError) as exc:
        err_console.print(f"[red]connect failed:[/red] {exc}")
        raise typer.Exit(1) from None
    print_connect_result(result)


def print_connect_result(result: ConnectResult) -> None:
    expiry = result.token.expires_at.isoformat() if result.token.expires_at else "never"
    how = "resumed existing connection" if result.resumed else "new connection"
    swapped = ", exchanged for a long-lived token" if result.exchanged else ""
    console.print(
        f"connected: {how} {result.connection_id} ({result.token.token_type} token, "
        f"expires {expiry}{swapped})",
        soft_wrap=True,
    )
    done = {r.account_id: r for r in result.registered}
    for acc in result.accounts:
        console.print(
            f"  {acc.id}  {acc.name or '?'}  {acc.currency or '?'}  {acc.timezone_name or 'UTC'}"
            f"  {onboarding_words(done.get(acc.id))}",
            highlight=False,
            soft_wrap=True,
        )


def onboarding_words(done: ConnectedAccount | None) -> str:
    """What happened to phase 1, as it is: enqueued only when a job was created now."""
    if done is None:
        return "not registered"
    return {
        "enqueued": f"phase 1 enqueued (job {done.onboarding_job_id})",
        "open": f"phase 1 already queued (job {done.onboarding_job_id})",
        "completed": "phase 1 done earlier",
    }.get(done.onboarding, done.onboarding)


def parse_day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


async def request_manual_sync(
    url: str, account_id: str, since: date | None, until: date | None
) -> tuple[int, date, date]:
    """The new manual job id and its range (defaults: the account's tier window up to today)."""
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn, translated():
        since, until = await _default_range(conn, account_id, since, until)
        job_id = await queue.request_manual_sync(conn, account_id, since, until, "cli")
    return job_id, since, until


async def _default_range(
    conn: psycopg.AsyncConnection[Any], account_id: str, since: date | None, until: date | None
) -> tuple[date, date]:
    """Missing ends: ``until`` = today in the account's zone, ``since`` = until - tier window."""
    if since is not None and until is not None:
        return since, until
    window = await scheduling.tier_window(conn, account_id)
    if window is None:
        today = SYSTEM_CLOCK.now().date()
        return since or today, until or today  # the SQL names the real problem
    end = until or window.today
    return since or date.fromordinal(end.toordinal() - window.date_range_days + 1), end


def sync_command(
    account_id: Annotated[str, typer.Argument(help="The ad account, act_<digits>.")],
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
) -> None:
    """Ask for a manual sync of one account over a date range (the workers pick it up)."""
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    if first and last and first > last:
        raise typer.BadParameter(f"--since {first} is after --until {last}", param_hint="--since")
    url = resolve_database_url(get_settings())
    try:
        job_id, first, last = asyncio.run(request_manual_sync(url, account_id, first, last))
    except MetaSyncDatabaseError as exc:
        err_console.print(f"[red]sync refused:[/red] {exc.line()}")
        raise typer.Exit(2) from None
    console.print(f"manual sync job {job_id} for {account_id}: {first} .. {last} (pending)")
    warn_if_waiting(run_db(lambda conn: _first(jobs_db.get_jobs(conn, [job_id]))))
    console.print(f"follow it with: metasync watch {job_id}")


async def _first(rows: Awaitable[list[dict[str, Any]]]) -> dict[str, Any] | None:
    found = await rows
    return found[0] if found else None
