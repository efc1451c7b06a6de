"""The rate-limit governor: records usage in the shared store, paces or refuses calls.

After a throttle error the scope is stopped until Meta's regain time (or a default block), and
every later call for that scope is refused locally with :class:`GovernorBlockedError` instead of
reaching Meta: the first throttle signal is the last one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from metasync.clock import SYSTEM_CLOCK
from metasync.graph.errors import GovernorBlockedError, ThrottledError
from metasync.graph.ratelimit import (
    GovernorPolicy,
    LimitScope,
    Usage,
    UsageStore,
    delay_before_next_call,
    parse_usage,
    relevant_scopes,
    throttle_usage,
)

log = logging.getLogger("metasync.graph.governor")


@dataclass(frozen=True)
class Wait:
    seconds: float
    scope: LimitScope | None


class Governor:
    """Paces calls per scope from the shared :class:`UsageStore`. No I/O in the constructor."""

    def __init__(
        self,
        store: UsageStore,
        policy: GovernorPolicy | None = None,
        *,
        max_wait_seconds: float = 30.0,
        clock: Callable[[], datetime] = SYSTEM_CLOCK.now,
        sleep: Callable[[float], Awaitable[None]] = SYSTEM_CLOCK.sleep,
    ) -> None:
        self.store = store
        self.policy = policy or GovernorPolicy()
        self.max_wait_seconds = max_wait_seconds
        self._clock = clock
        self._sleep = sleep

    async def wait_needed(self, account_id: str | None, use_case: str | None = None) -> Wait:
        """The longest delay over the scopes this call spends, and which scope imposes it."""
        now = self._clock()
        best = Wait(0.0, None)
        for scope in relevant_scopes(account_id, use_case):
            seconds = delay_before_next_call(await self.store.load(scope), now, self.policy)
            if seconds > best.seconds:
                best = Wait(seconds, scope)
        return best

    async def before_call(self, account_id: str | None, use_case: str | None = None) -> None:
        """Sleep a short pacing delay, or refuse the call when the wait is too long."""
        wait = await self.wait_needed(account_id, use_case)
        if wait.seconds <= 0:
            return
        if wait.seconds > self.max_wait_seconds and wait.scope is not None:
            raise GovernorBlockedError(
                f"rate limit: {wait.scope.kind} scope stopped for {wait.seconds:.0f}s",
                scope=wait.scope.kind,
                scope_id=wait.scope.id or None,
                use_case=wait.scope.use_case or None,
                retry_after=wait.seconds,
            )
        log.info(
            "graph pacing",
            extra={"delay_seconds": round(wait.seconds, 3), "scope": _scope_name(wait.scope)},
        )
        await self._sleep(wait.seconds)

    async def observe(self, headers: Mapping[str, str], account_id: str | None) -> Usage:
        usage = parse_usage(headers, self._clock(), account_id=account_id)
        if not usage.empty:
            await self.store.record(usage)
        return usage

    async def observe_throttle(self, err: ThrottledError, account_id: str | None) -> None:
        if isinstance(err, GovernorBlockedError):
            return
        usage = throttle_usage(err, self._clock(), self.policy.throttle_block_seconds, account_id)
        log.warning("graph throttled", extra=err.log_fields())
        await self.store.record(usage)


def _scope_name(scope: LimitScope | None) -> str:
    if scope is None:
        return ""
    return ":".join(p for p in (scope.kind, scope.id, scope.use_case) if p)
