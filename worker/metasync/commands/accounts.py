"""``metasync accounts list|show|add|pause|resume|move|remove``: ad accounts under sync.

Every change is one SQL function (``metasync.db.accounts``) in one transaction, committed when
the command succeeds: a refusal prints one line, exits 2 and changes nothing. ``move`` and
``remove`` need ``--confirm`` and are recorded in ``meta_sync.ad_account_audit`` (who, what, when).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from metasync.commands.common import (
    actor,
    check_act_id,
    check_tier,
    fail,
    plain,
    print_json,
    run_db,
    warn,
    when,
)  # fmt: skip
from metasync.db import accounts as db
from metasync.db import jobs as jobs_db

app = typer.Typer(help="Ad accounts under sync: list, show, add, pause, resume, move, remove.",
                  no_args_is_help=True)  # fmt: skip
console = Console()
Conn = psycopg.AsyncConnection[Any]
AccountArg = Annotated[
    str, typer.Argument(help="The ad account, act_<digits>.", show_default=False)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]


@app.command("list")
def list_command(
    org: Annotated[
        str | None, typer.Option("--org", help="Only this organisation (name or id).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every ad account: organisation, tier, paused, token, last sync, why it waits."""
    rows = run_db(lambda conn: db.list_accounts(conn, org))
    if as_json:
        print_json(rows)
        return
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0))
    for header in ("account", "organisation", "tier", "paused", "token", "last sync", "waiting"):
        table.add_column(header, no_wrap=header not in ("organisation", "waiting"), overflow="fold")
    for r in rows:
        table.add_row(r["account_id"], r["organization_name"], r["tier"],
                      "yes" if r["paused"] else "no", plain(r["connection_status"]),
                      when(r["last_meta_sync_at"]), plain(r["waiting_reason"]))  # fmt: skip
    console.print(table if rows else "no ad account")


@app.command("show")
def show_command(account_id: AccountArg, as_json: JsonOpt = False) -> None:
    """Everything about one account: schedule, errors, token, phases, running job, moves."""
    check_act_id(account_id)
    row = run_db(lambda conn: db.show_account(conn, account_id))
    if row is None:
        raise fail(f'no ad account "{account_id}"')
    if as_json:
        print_json(row)
        return
    for key, value in row.items():
        if key != "audit":
            typer.echo(f"{key:32} {plain(value)}")
    for entry in row["audit"]:
        target = entry["to_organization"] or "-"
        typer.echo(f"{entry['action']:6} {when(entry['at'])}  {entry['from_organization']} -> "
                   f"{target}  by {entry['actor']}  ({entry['jobs']} jobs)")  # fmt: skip


async def _add(
    conn: Conn, org: str, account_id: str, fields: dict[str, Any]
) -> tuple[UUID, Any, Any]:
    org_id = await db.ensure_organization(conn, org)
    done = await db.connect_ad_account(conn, account_id, org_id, **fields)
    jobs = await jobs_db.get_jobs(conn, [done.onboarding_job_id])
    return org_id, done, jobs[0] if jobs else None


def parse_created_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise fail(f'invalid --created-time "{value}": expected an ISO date or timestamp') from None


@app.command("add")
def add_command(
    account_id: AccountArg,
    org: Annotated[
        str,
        typer.Option("--org", help="Organisation name (created if new; any case matches) or id."),
    ],
    name: Annotated[str | None, typer.Option("--name", help="Display name of the account.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="ISO 4217, e.g. EUR.")] = None,
    timezone: Annotated[
        str | None,
        typer.Option("--timezone", help="IANA time zone of the account (new accounts: UTC)."),
    ] = None,
    created_time: Annotated[
        str | None,
        typer.Option(
            "--created-time",
            help="When Meta created the account (ISO date/timestamp): phase 2 stops there.",
        ),
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", help="high | medium | low (new accounts: medium).")
    ] = None,
) -> None:
    """Add an ad account to an organisation and start its phase 1 (refused when another
    organisation owns it: see `accounts move`)."""
    check_act_id(account_id)
    if tier is not None:
        check_tier(tier)
    if not org.strip():
        raise fail("--org must not be blank")
    fields = {"name": name, "currency": currency, "timezone_name": timezone,
              "created_time": parse_created_time(created_time), "tier": tier}  # fmt: skip
    org_id, done, job = run_db(lambda conn: _add(conn, org, account_id, fields))
    what = "added to" if done.created else "already in"
    phase = {"enqueued": "phase 1 enqueued", "open": "phase 1 already queued",
             "completed": "phase 1 done earlier"}[done.onboarding]  # fmt: skip
    typer.echo(f"{account_id} {what} organisation {org_id}; {phase} (job {done.onboarding_job_id})")
    warn_if_waiting(job)


def warn_if_waiting(job: dict[str, Any] | None) -> None:
    """A job accepted that cannot run now: say why and what unblocks it."""
    if job is None or job.get("waiting_reason") is None:
        return
    until = job.get("waiting_until")
    how = f"until {when(until)}" if until else (job.get("waiting_hint") or "until someone acts")
    warn(f"job {job['job_id']} waits: {job['waiting_reason']} ({how})")


def _pause(account_id: str, paused: bool) -> None:
    check_act_id(account_id)
    was = run_db(lambda conn: db.set_account_paused(conn, account_id, paused))
    state = "paused" if paused else "resumed"
    note = " (it already was)" if was == paused else ""
    typer.echo(f"{account_id} {state}{note}")


@app.command("pause")
def pause_command(account_id: AccountArg) -> None:
    """Pause one account: no scheduled job, none of its chunks claimed (running ones finish)."""
    _pause(account_id, True)


@app.command("resume")
def resume_command(account_id: AccountArg) -> None:
    """Resume a paused account."""
    _pause(account_id, False)


async def _move(conn: Conn, account_id: str, to: str, reason: str | None) -> tuple[str, int]:
    target = await db.find_organization(conn, to)
    if target is None:
        raise fail(f'no organisation "{to}" (see `metasync orgs list`; moves never create one)')
    audit = await db.move_ad_account(conn, account_id, target[0], actor(), reason)
    return target[1], audit


ConfirmOpt = Annotated[bool, typer.Option("--confirm", help="Required: yes, really.")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (kept in the audit trail).")]


@app.command("move")
def move_command(
    account_id: AccountArg,
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The organisation to move it to (name, any case, or id; must exist)."
        ),
    ],
    confirm: ConfirmOpt = False,
    reason: ReasonOpt = None,
) -> None:
    """Move an account with its jobs and history to another organisation (recorded)."""
    check_act_id(account_id)
    if not confirm:
        raise fail(f"moving {account_id} hands its data to another organisation: add --confirm")
    name, audit = run_db(lambda conn: _move(conn, account_id, to, reason))
    typer.echo(f"{account_id} moved to organisation {name} (audit {audit}, by {actor()})")


@app.command("remove")
def remove_command(
    account_id: AccountArg, confirm: ConfirmOpt = False, reason: ReasonOpt = None
) -> None:
    """Delete an account with everything synced for it (recorded)."""
    check_act_id(account_id)
    if not confirm:
        raise fail(f"removing {account_id} deletes its jobs, entities and insights: add --confirm")
    audit = run_db(lambda conn: db.remove_ad_account(conn, account_id, actor(), reason))
    typer.echo(f"{account_id} removed (audit {audit}, by {actor()})")
