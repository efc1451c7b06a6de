"""The one clock: wall time, monotonic time and the waits that let time pass.

Everything that timestamps or waits on purpose (the worker loop's deadlines, Graph retry
backoff, report-run polls, governor pacing, token expiries) takes a :class:`Clock`. Waiting for
an event with a timeout (a NOTIFY, a stop signal, the heartbeat period) stays with asyncio.

``db_now()`` is the ``p_now`` to send to SQL. The :class:`SystemClock` answers ``None``: the
database's ``now()`` decides leases, ``run_after`` and requeues, so a worker whose host clock is
wrong can neither expire another worker's live lease nor hold its own too long. A
:class:`SimulatedClock` (tests, benchmarks against the emulator) answers its own time: the SQL
then runs at the simulated moment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall time, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds for measuring durations and deadlines."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        ...

    def db_now(self) -> datetime | None:
        """The ``p_now`` SQL calls get; ``None`` = the database's own ``now()``."""
        ...


class SystemClock:
    """The host's clock; SQL uses the database's. ``offset`` shifts the wall time only (a host
    whose clock is wrong)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def db_now(self) -> datetime | None:
        return None


class SimulatedClock:
    """Time is what ``now`` says (a fixed moment or a callable, e.g. the emulator's clock) and
    it is sent to SQL as ``p_now``; ``sleep`` defaults to a real (short) asyncio sleep, and
    durations are the host's monotonic time."""

    def __init__(
        self,
        now: datetime | Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._now = now
        self._sleep = sleep or asyncio.sleep

    def now(self) -> datetime:
        return self._now() if callable(self._now) else self._now

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await self._sleep(seconds)

    def db_now(self) -> datetime | None:
        return self.now()


SYSTEM_CLOCK = SystemClock()
