"""The ``metasync`` command line: one typer app, sub-commands registered by their modules."""

from __future__ import annotations

import typer

from metasync import __version__

app = typer.Typer(
    name="metasync",
    help="Keep a Postgres / Supabase database in step with the Meta Marketing API.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _print_version(value: bool) -> None:
    if value:
        print(f"meta-sync {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Keep a Postgres / Supabase database in step with the Meta Marketing API."""


from metasync.commands import db as _db  # noqa: E402

app.add_typer(_db.app, name="db")

from metasync.commands import keys as _keys  # noqa: E402

app.add_typer(_keys.app, name="keys")

from metasync.commands import sync as _sync  # noqa: E402

_sync.register(app)

from metasync.commands import watch as _watch  # noqa: E402

_watch.register(app)

from metasync.server import command as _serve  # noqa: E402

app.command("serve")(_serve.serve)

from metasync.commands import demo as _demo  # noqa: E402
from metasync.commands import run as _run  # noqa: E402

_run.register(app)
_demo.register(app)

from metasync.bench import app as _bench  # noqa: E402

app.add_typer(_bench, name="bench")

from metasync.commands import admin as _admin  # noqa: E402

_admin.register(app)

from metasync.commands import data as _data  # noqa: E402

_data.register(app)
