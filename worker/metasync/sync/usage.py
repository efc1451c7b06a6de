"""The governor's :class:`~metasync.graph.UsageStore` in Postgres, shared by every worker.

``record`` writes a scope through ``record_rate_limit_state`` (which never shortens a stop) when
its state moved since this worker last wrote it;
``load`` reads ``get_rate_limit_state`` at most once per ``refresh_seconds`` and answers from
that snapshot, merged with what this worker recorded since. Both send the clock's ``db_now()``
as ``p_now`` (with the system clock: none, the database decides).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from psycopg_pool import AsyncConnectionPool

from metasync.clock import Clock
from metasync.db.ratelimit import RateLimitRow, get_rate_limit_state, record_rate_limit_state
from metasync.graph import LimitScope, ScopeState, Usage, merge_state

SCOPE_TYPES = {"app": "app", "account": "ad_account", "business_use_case": "business_use_case"}
KINDS = {v: k for k, v in SCOPE_TYPES.items()}
APP_ID = "app"


def scope_key(scope: LimitScope) -> tuple[str, str, str]:
    return SCOPE_TYPES[scope.kind], scope.id or APP_ID, scope.use_case


def state_of(row: RateLimitRow) -> ScopeState:
    pcts = (row.call_count_pct, row.total_cputime_pct, row.total_time_pct)
    return ScopeState(max((p for p in pcts if p is not None), default=0.0), row.observed_at,
                      row.blocked_until)  # fmt: skip


def _pct(value: float) -> Decimal:
    return Decimal(str(round(min(max(value, 0.0), 9999.0), 2)))


class PostgresUsageStore:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        clock: Clock,
        refresh_seconds: float = 1.0,
    ) -> None:
        self._pool, self._clock, self._refresh = pool, clock, refresh_seconds
        self._snapshot: dict[tuple[str, str, str], ScopeState] = {}
        self._loaded_at = float("-inf")
        self._written: dict[tuple[str, str, str], tuple[ScopeState, float]] = {}

    async def record(self, usage: Usage) -> None:
        """Write the scopes whose state moved (a stop, >= 1 point of usage, or 30 s old)."""
        changed = [(k, v) for k, v in usage.states.items() if self._moved(scope_key(k), v)]
        if not changed:
            return
        async with self._pool.connection() as conn:
            for scope, state in changed:
                scope_type, scope_id, use_case = scope_key(scope)
                await record_rate_limit_state(
                    conn, now=self._clock.db_now(), scope_type=scope_type, scope_id=scope_id,
                    usage_type=use_case, call_count_pct=_pct(state.pct), total_cputime_pct=None,
                    total_time_pct=None, estimated_regain_minutes=None,
                    blocked_until=state.blocked_until, throttle_code=None,
                )  # fmt: skip
                key = scope_key(scope)
                self._snapshot[key] = merge_state(self._snapshot.get(key), state)
                self._written[key] = (state, self._clock.monotonic())

    def _moved(self, key: tuple[str, str, str], state: ScopeState) -> bool:
        last = self._written.get(key)
        if last is None or state.blocked_until != last[0].blocked_until:
            return True
        return abs(state.pct - last[0].pct) >= 1.0 or self._clock.monotonic() - last[1] >= 30.0

    async def load(self, scope: LimitScope) -> ScopeState | None:
        if self._clock.monotonic() - self._loaded_at >= self._refresh:
            await self.refresh()
        return self._snapshot.get(scope_key(scope))

    async def refresh(self) -> None:
        async with self._pool.connection() as conn:
            rows = await get_rate_limit_state(conn, now=self._clock.db_now())
        self._snapshot = {(r.scope_type, r.scope_id, r.usage_type): state_of(r) for r in rows}
        self._loaded_at = self._clock.monotonic()
