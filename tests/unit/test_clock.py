"""The clock: the system clock lets the database decide ``p_now``; a simulated one sends its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from metasync.clock import SYSTEM_CLOCK, SimulatedClock, SystemClock

T = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)


def test_the_system_clock_sends_no_p_now_whatever_its_offset() -> None:
    assert SYSTEM_CLOCK.db_now() is None
    ahead = SystemClock(timedelta(minutes=10))
    assert ahead.db_now() is None
    gap = ahead.now() - SYSTEM_CLOCK.now()
    assert timedelta(minutes=9, seconds=59) < gap <= timedelta(minutes=10)
    assert SYSTEM_CLOCK.now().tzinfo is UTC


async def test_a_simulated_clock_sends_its_time_and_sleeps_its_way() -> None:
    slept: list[float] = []
    moments = [T]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        moments.append(moments[-1] + timedelta(seconds=seconds))

    clock = SimulatedClock(lambda: moments[-1], sleep)
    assert clock.now() == clock.db_now() == T
    await clock.sleep(90)
    assert slept == [90] and clock.db_now() == T + timedelta(seconds=90)
    fixed = SimulatedClock(T)
    assert fixed.now() == fixed.db_now() == T
    before = fixed.monotonic()
    await fixed.sleep(0.01)  # a real (short) sleep by default
    assert fixed.monotonic() - before >= 0.009
