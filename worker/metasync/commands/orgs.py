"""``metasync orgs list``: the organisations (tenants), their accounts, tokens and members."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from metasync.commands.common import print_json, run_db, when
from metasync.db import accounts as db

app = typer.Typer(help="Organisations (tenants): names are unique in any case.",
                  no_args_is_help=True)  # fmt: skip


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")] = False,
) -> None:
    """Every organisation: id, name, ad accounts, active connections, members, created."""
    rows = run_db(db.list_organizations)
    if as_json:
        print_json(rows)
        return
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0))
    for header in ("id", "name", "accounts", "tokens", "members", "created UTC"):
        table.add_column(header, no_wrap=header != "name", overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], str(r["accounts"]), str(r["active_connections"]),
                      str(r["members"]), when(r["created_at"], short=True))  # fmt: skip
    Console().print(table if rows else "no organisation yet (`metasync connect --org NAME`)")
