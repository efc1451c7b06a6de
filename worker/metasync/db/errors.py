"""Errors raised by the SQL API, mapped from their stable SQLSTATEs (see sql/README.md).

MetaSyncDatabaseError          any refusal by a meta_sync SQL function
├── InvalidArgumentError       22023: bad tier, date range, time zone, limit ...
├── MalformedIdError           22007: not act_<digits> / not a Meta object id
├── NotFoundError              P0002: no such account, job or chunk
├── WrongStateError            55000: lease lost, job final, chunk not splittable
│   └── LeaseLostError         55000 with "lease" in the message
└── NotAllowedError            42501: not an admin of the organization
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg


class MetaSyncDatabaseError(Exception):
    """A meta_sync SQL function refused the call; ``str()`` is its message, ``hint`` the SQL
    hint (what to do instead) when it gave one."""

    sqlstate: str | None = None
    hint: str | None = None

    def line(self) -> str:
        """The message with its hint, for one line of output."""
        if not self.hint:
            return str(self)
        return f"{self}; {self.hint[:1].lower()}{self.hint[1:].rstrip('.')}"


class InvalidArgumentError(MetaSyncDatabaseError):
    sqlstate = "22023"


class MalformedIdError(MetaSyncDatabaseError):
    sqlstate = "22007"


class NotFoundError(MetaSyncDatabaseError):
    sqlstate = "P0002"


class WrongStateError(MetaSyncDatabaseError):
    sqlstate = "55000"


class LeaseLostError(WrongStateError):
    """The chunk's lease expired or moved to another worker: drop the work, do not write."""


class NotAllowedError(MetaSyncDatabaseError):
    sqlstate = "42501"


_BY_SQLSTATE: dict[str, type[MetaSyncDatabaseError]] = {
    cls.sqlstate: cls
    for cls in (
        InvalidArgumentError,
        MalformedIdError,
        NotFoundError,
        WrongStateError,
        NotAllowedError,
    )
    if cls.sqlstate is not None
}
# Postgres' own checks that mean "bad input": domain/check violations, bad enum text.
_BY_SQLSTATE |= {"23514": InvalidArgumentError, "22P02": InvalidArgumentError}


def translate(exc: psycopg.Error) -> MetaSyncDatabaseError | None:
    """Our exception for a psycopg error with a known SQLSTATE, else None."""
    sqlstate = exc.sqlstate or ""
    cls = _BY_SQLSTATE.get(sqlstate)
    if cls is None:
        return None
    message = exc.diag.message_primary or str(exc)
    if cls is WrongStateError and "lease" in message.lower():
        cls = LeaseLostError
    error = cls(message)
    error.sqlstate = sqlstate
    error.hint = exc.diag.message_hint
    return error


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    """Re-raise psycopg errors with a known SQLSTATE as our exceptions."""
    try:
        yield
    except psycopg.Error as exc:
        ours = translate(exc)
        if ours is None:
            raise
        raise ours from exc
