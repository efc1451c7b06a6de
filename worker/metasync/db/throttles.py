"""Throttles in force, from ``meta_sync.get_throttle_blocks`` (sql/0218)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from metasync.db.errors import translated


@dataclass(frozen=True)
class ThrottleBlock:
    """A stopped scope (app, ad_account, business_use_case) or a backed-off account."""

    scope_type: str
    scope_id: str
    usage_type: str
    blocked_until: datetime
    reason: str

    def describe(self) -> str:
        """``app until 2026-12-01 10:30 UTC (Meta throttle code 4)``."""
        if self.scope_type == "account_backoff":
            what = f"{self.scope_id} backing off"
        elif self.scope_type == "app":
            what = "the whole app"
        else:
            name = self.scope_type.replace("_", " ")
            what = " ".join(p for p in (name, self.scope_id, self.usage_type) if p)
        until = self.blocked_until.strftime("%Y-%m-%d %H:%M:%S %Z")
        return f"{what} until {until} ({self.reason})"


async def get_throttle_blocks(
    conn: AsyncConnection[Any], now: datetime | None = None
) -> list[ThrottleBlock]:
    async with translated():
        cur = await conn.execute(
            "select scope_type, scope_id, usage_type, blocked_until, reason"
            " from meta_sync.get_throttle_blocks(coalesce(%s, now()))",
            (now,),
        )
        return [ThrottleBlock(*row) for row in await cur.fetchall()]
