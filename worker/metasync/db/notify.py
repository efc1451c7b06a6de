"""LISTEN / NOTIFY: the channel that wakes workers and the one that carries job progress.

``listen`` and ``unlisten`` need a connection in autocommit mode (a LISTEN inside a transaction
only takes effect at its commit).
"""

from __future__ import annotations

from typing import Final, Literal

from psycopg import sql

from metasync.db._run import Conn, execute

Channel = Literal["meta_sync_wake", "meta_sync_progress"]
WAKE_CHANNEL: Final[Channel] = "meta_sync_wake"  # enqueue_due_syncs created work
PROGRESS_CHANNEL: Final[Channel] = "meta_sync_progress"  # a job changed (payload: JSON progress)


async def listen(conn: Conn, channel: Channel) -> None:
    await execute(conn, sql.SQL("listen {}").format(sql.Identifier(channel)))


async def unlisten(conn: Conn, channel: Channel) -> None:
    await execute(conn, sql.SQL("unlisten {}").format(sql.Identifier(channel)))


async def wake_workers(conn: Conn) -> None:
    """NOTIFY the workers' channel (delivered when the caller's transaction commits)."""
    await execute(conn, "select pg_notify(%s, '')", (WAKE_CHANNEL,))
