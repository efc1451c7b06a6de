"""What the operator commands share: one transaction on the configured database, one-line
refusals, and how values are shown (times with their zone, durations with their unit)."""

from __future__ import annotations

import asyncio
import getpass
import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
import typer

from metasync.db.errors import MetaSyncDatabaseError
from metasync.postgres.connect import resolve_database_url
from metasync.settings import get_settings

T = TypeVar("T")
ACT_ID = re.compile(r"^act_[0-9]{1,20}$")
TIERS = ("high", "medium", "low")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error; the caller raises the returned Exit."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def run_db(work: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the configured database; refusals exit with code 2
    (nothing was changed: the transaction rolled back)."""

    async def main() -> T:
        url = resolve_database_url(get_settings())
        async with await psycopg.AsyncConnection.connect(url) as conn:
            return await work(conn)

    try:
        return asyncio.run(main())
    except MetaSyncDatabaseError as exc:
        raise fail(exc.line()) from exc
    except psycopg.errors.UniqueViolation as exc:
        raise fail(exc.diag.message_detail or str(exc)) from exc


def check_act_id(account_id: str) -> None:
    if not ACT_ID.match(account_id):
        raise fail(f'malformed ad account id "{account_id}": expected act_<digits>')


def check_tier(tier: str) -> None:
    if tier not in TIERS:
        raise fail(f'unknown tier "{tier}": valid tiers are {", ".join(TIERS)}')


def actor() -> str:
    """Who runs the command, for the audit trail: ``cli:<login>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def when(value: datetime | None, *, short: bool = False) -> str:
    """A time in UTC with its zone: ``2026-12-01 07:52 UTC`` (short: ``12-01 07:52``)."""
    if value is None:
        return "-"
    utc = value.astimezone(UTC)
    return utc.strftime("%m-%d %H:%M") if short else utc.strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: float | Decimal | None) -> str:
    """A duration with its unit: ``45 s``, ``12 min``, ``3.5 h``, ``2.0 d``."""
    if seconds is None:
        return "-"
    value = float(seconds)
    sign, value = ("-" if value < 0 else ""), abs(value)
    if value < 90:
        return f"{sign}{value:.0f} s"
    if value < 90 * 60:
        return f"{sign}{value / 60:.0f} min"
    if value < 48 * 3600:
        return f"{sign}{value / 3600:.1f} h"
    return f"{sign}{value / 86400:.1f} d"


def plain(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, timedelta):
        return duration(value.total_seconds())
    if isinstance(value, Decimal):
        return f"{value:.0f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, default=str, indent=2))
