"""Errors for humans: every failure of a command becomes one line with a hint and an exit code.

:func:`explain` maps what goes wrong around a command (the database unreachable, refusing the
credentials, not migrated; the embedded port taken; an invalid setting; a refusal by the SQL
API; an invalid option) to a :class:`HumanError`. :class:`MetaSyncGroup` (the ``metasync``
app's click group) prints it on stderr as ``error: ... (hint)`` and exits with its code; the
traceback is printed only with ``metasync --debug ...``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import typer
from psycopg_pool import PoolTimeout
from pydantic import ValidationError
from typer._click import Context
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from metasync.connections import ConnectError
from metasync.crypto import KeyringError, TokenCipherError
from metasync.db.errors import MetaSyncDatabaseError
from metasync.graph.errors import GraphError
from metasync.postgres.embedded import EmbeddedPostgresError
from metasync.postgres.migrate import MigrationError
from metasync.settings import Settings

MIGRATE_HINT = "run `metasync db migrate`"
URL_HINT = "check DATABASE_URL, or unset it for the embedded local database"
_CREDENTIALS = ("password authentication failed", "no pg_hba.conf entry", 'role "')
_UNMIGRATED = (
    psycopg.errors.UndefinedTable,
    psycopg.errors.UndefinedFunction,
    psycopg.errors.InvalidSchemaName,
    psycopg.errors.UndefinedObject,
    psycopg.errors.UndefinedColumn,
)


@dataclass(frozen=True)
class HumanError:
    message: str
    hint: str | None = None
    exit_code: int = 1

    def line(self) -> str:
        if not self.hint:
            return f"error: {self.message}"
        return f"error: {self.message.rstrip('.')}; {self.hint}"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def env_name(field: str) -> str:
    """The environment variable of a Settings field (its alias, else METASYNC_<FIELD>)."""
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, str):
        return info.validation_alias
    if field.upper() == field:  # already an alias such as DATABASE_URL
        return field
    return f"METASYNC_{field.upper()}"


def explain_settings(exc: ValidationError) -> HumanError:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "?"
    value = error.get("input")
    shown = f"={value!r}" if isinstance(value, str | int | float) else ""
    return HumanError(
        f"invalid setting {env_name(field)}{shown}: {error['msg']}",
        "fix it in the environment or in .env",
    )


def explain_database(exc: psycopg.Error) -> HumanError | None:
    """Unreachable, refused credentials, missing database, unmigrated schema."""
    text = first_line(exc)
    if isinstance(exc, _UNMIGRATED):
        return HumanError(f"the database is not migrated for this meta-sync ({text})", MIGRATE_HINT)
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return HumanError(f"the database refused: {text}", "connect as the owner or service role")
    if not isinstance(exc, psycopg.OperationalError):
        return None
    lowered = str(exc).lower()
    if any(marker in lowered for marker in _CREDENTIALS):
        return HumanError(f"the database refused the credentials: {text}", URL_HINT)
    if "does not exist" in lowered and "database" in lowered:
        return HumanError(f"no such database: {text}", URL_HINT)
    return HumanError(f"cannot reach the database: {text}", URL_HINT)


def explain(exc: BaseException) -> HumanError | None:
    """The one-line error for ``exc``, or None when it is not one we know (a bug)."""
    if isinstance(exc, ValidationError):
        return explain_settings(exc)
    if isinstance(exc, MetaSyncDatabaseError):
        return HumanError(exc.line(), exit_code=2)
    if isinstance(exc, psycopg.Error):
        return explain_database(exc)
    if isinstance(exc, PoolTimeout):
        return HumanError(f"cannot reach the database: {first_line(exc)}", URL_HINT)
    if isinstance(exc, EmbeddedPostgresError):
        return HumanError(first_line(exc), "or set DATABASE_URL to use another database")
    if isinstance(exc, MigrationError):
        return HumanError(first_line(exc))
    if isinstance(exc, KeyringError):
        return HumanError(f"invalid setting: {first_line(exc)}")
    if isinstance(exc, TokenCipherError | GraphError | ConnectError):
        return HumanError(first_line(exc))
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return explain(exc.exceptions[0])
    return None


def debug_requested(args: Sequence[str]) -> bool:
    """``--debug`` among the options before the first command name."""
    for arg in args:
        if arg == "--debug":
            return True
        if not arg.startswith("-"):
            return False
    return False


def usage_line(exc: UsageError) -> HumanError:
    path = exc.ctx.command_path if exc.ctx is not None else "metasync"
    return HumanError(exc.format_message(), f"see `{path} --help`", exit_code=exc.exit_code)


# The order of a user's day (``metasync --help``): try it, set up, connect, look, act, tune,
# run and maintain. Commands not named here follow, in the order they were added.
COMMAND_ORDER = (
    "demo", "db", "connect", "status", "watch", "accounts", "orgs", "jobs", "job", "sync",
    "tier", "config", "schedule", "run", "serve", "keys", "bench",
)  # fmt: skip


class MetaSyncGroup(TyperGroup):
    """The root group: known failures become one line; a traceback only with ``--debug``;
    commands listed in :data:`COMMAND_ORDER`."""

    def list_commands(self, ctx: Context) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None,
        complete_var: str | None = None, standalone_mode: bool = True, **extra: Any,
    ) -> Any:  # fmt: skip
        argv = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:  # the help was printed: nothing to add
            if standalone_mode:
                sys.exit(exc.exit_code)
            return exc.exit_code
        except UsageError as exc:
            return _finish(usage_line(exc), standalone_mode)
        except typer.Abort:
            return _finish(HumanError("aborted"), standalone_mode)
        except ClickException as exc:
            return _finish(HumanError(exc.format_message(), exit_code=exc.exit_code),
                           standalone_mode)  # fmt: skip
        except Exception as exc:
            if debug_requested(argv):
                raise
            human = explain(exc) or HumanError(
                f"unexpected {type(exc).__name__}: {first_line(exc)}",
                "run `metasync --debug ...` for the traceback",
            )
            return _finish(human, standalone_mode)
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _finish(error: HumanError, standalone_mode: bool) -> int:
    typer.echo(error.line(), err=True)
    if standalone_mode:
        sys.exit(error.exit_code)
    return error.exit_code
