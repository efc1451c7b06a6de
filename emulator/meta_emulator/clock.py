"""The emulator clock: frozen at a given instant (tests) or following the wall clock (servers)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


def utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def meta_time(moment: datetime) -> str:
    """Meta's datetime format: ``2023-03-21T22:41:46-0700`` (no colon in the offset)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def parse_time(text: str) -> datetime:
    """An ISO-8601 datetime (``Z`` allowed) or a unix timestamp, as aware UTC."""
    text = text.strip()
    if text.replace(".", "", 1).isdigit():
        return datetime.fromtimestamp(float(text), UTC)
    return utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


class EmulatorClock:
    """Emulated "now". Frozen unless `ticking`, in which case it advances with wall time."""

    def __init__(self, start: datetime | None = None, *, ticking: bool | None = None) -> None:
        self._ticking = start is None if ticking is None else ticking
        self._base = utc(start) if start is not None else datetime.now(UTC)
        self._wall = time.monotonic()
        self.start = self._base

    @property
    def ticking(self) -> bool:
        return self._ticking

    def now(self) -> datetime:
        if not self._ticking:
            return self._base
        return self._base + timedelta(seconds=time.monotonic() - self._wall)

    def timestamp(self) -> float:
        return self.now().timestamp()

    def set(self, moment: datetime) -> datetime:
        self._base = utc(moment)
        self._wall = time.monotonic()
        return self.now()

    def advance(self, delta: timedelta | float) -> datetime:
        seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
        return self.set(self.now() + timedelta(seconds=seconds))

    def reset(self) -> datetime:
        return self.set(self.start)
