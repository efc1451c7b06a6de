"""The ``metasync`` command line: one typer app, sub-commands registered by their modules, in
the order of a user's day (try it, set up, connect, look, act, tune, run, maintain).

Every failure is one line on stderr with a hint and a non-zero exit code
(:mod:`metasync.commands.errors`); ``metasync --debug ...`` shows the traceback instead.
"""

from __future__ import annotations

import typer

from metasync import __version__
from metasync.commands.errors import MetaSyncGroup

app = typer.Typer(
    name="metasync",
    cls=MetaSyncGroup,
    help="Keep a Postgres / Supabase database in step with the Meta Marketing API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        print(f"meta-sync {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.",
    ),
    debug: bool = typer.Option(
        False, "--debug", help="On an error, print the traceback instead of one line.",
    ),
) -> None:  # fmt: skip
    """Keep a Postgres / Supabase database in step with the Meta Marketing API."""


from metasync.commands import accounts as _accounts  # noqa: E402
from metasync.commands import admin as _admin  # noqa: E402
from metasync.commands import config as _config  # noqa: E402
from metasync.commands import db as _db  # noqa: E402
from metasync.commands import demo as _demo  # noqa: E402
from metasync.commands import jobs as _jobs  # noqa: E402
from metasync.commands import keys as _keys  # noqa: E402
from metasync.commands import orgs as _orgs  # noqa: E402
from metasync.commands import run as _run  # noqa: E402
from metasync.commands import schedule as _schedule  # noqa: E402
from metasync.commands import sync as _sync  # noqa: E402
from metasync.commands import watch as _watch  # noqa: E402

START, DAY, TUNE, RUN = "Start", "Every day", "Tune", "Run and maintain"

app.command("demo", rich_help_panel=START)(_demo.demo_command)
app.add_typer(_db.app, name="db", rich_help_panel=START)
app.command("connect", rich_help_panel=START)(_sync.connect_command)
app.command("status", rich_help_panel=DAY)(_admin.status_command)
app.command("watch", rich_help_panel=DAY)(_watch.watch_command)
app.add_typer(_accounts.app, name="accounts", rich_help_panel=DAY)
app.add_typer(_orgs.app, name="orgs", rich_help_panel=DAY)
app.command("jobs", rich_help_panel=DAY)(_jobs.jobs_command)
app.add_typer(_jobs.job_app, name="job", rich_help_panel=DAY)
app.command("sync", rich_help_panel=DAY)(_sync.sync_command)
app.add_typer(_admin.tier_app, name="tier", rich_help_panel=TUNE)
app.add_typer(_config.app, name="config", rich_help_panel=TUNE)
app.add_typer(_schedule.app, name="schedule", rich_help_panel=TUNE)
app.command("run", rich_help_panel=RUN)(_run.run_command)

from metasync.server import command as _serve  # noqa: E402

app.command("serve", rich_help_panel=RUN)(_serve.serve)
app.add_typer(_keys.app, name="keys", rich_help_panel=RUN)

from metasync.bench import app as _bench  # noqa: E402

app.add_typer(_bench, name="bench", rich_help_panel=RUN)
