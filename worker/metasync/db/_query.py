"""The operator commands' statements are built from text (f-strings over fixed column lists),
not literals: these helpers pass that text to :mod:`metasync.db._run` as bytes, which runs it
(rows as dicts, one value; SQLSTATE refusals translated)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metasync.db import _run

Conn = _run.Conn


async def rows(conn: Conn, sql: str, args: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    return await _run.rows(conn, sql.encode(), args or {})


async def scalar(conn: Conn, sql: str, args: Mapping[str, Any] | None = None) -> Any:
    return await _run.scalar(conn, sql.encode(), args or {})
