"""Seeded fault injection and latency: one RNG stream, so a run of calls is reproducible."""

from __future__ import annotations

import random

from meta_emulator.config import Faults
from meta_emulator.errors import ErrorReply, throttle, token_error


class FaultInjector:
    def __init__(self, seed: int, faults: Faults, latency_ms: float, jitter_ms: float) -> None:
        self.seed = seed
        self.faults = faults
        self.latency_ms = latency_ms
        self.jitter_ms = jitter_ms
        self._rng = random.Random(f"faults:{seed}")

    def reset(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(f"faults:{self.seed}")

    def roll(self, rate: float) -> bool:
        return rate > 0 and self._rng.random() < rate

    def latency_s(self) -> float:
        if not self.latency_ms and not self.jitter_ms:
            return 0.0
        return max(0.0, self.latency_ms + self.jitter_ms * self._rng.random()) / 1000

    def call_fault(self, use_case: str | None = None) -> ErrorReply | str | None:
        """A fault for one Graph call: an error, "token_death", "malformed", "http_429" or None.
        `use_case` (ads_management / ads_insights) when the call names an ad account."""
        f = self.faults
        if self.roll(f.transient):
            if self._rng.random() < 0.5:
                return ErrorReply(1, "An unknown error occurred", subcode=99, transient=True)
            return ErrorReply(2, "Service temporarily unavailable", transient=True)
        if self.roll(f.throttle):
            buc = {"ads_insights": 80000, "ads_management": 80004}.get(use_case or "")
            code = self._rng.choice((4, 17, 613) if buc is None else (4, 17, 613, buc))
            subcode = {17: 2446079, 613: 1487742, 80000: 2446079, 80004: 2446079}.get(code)
            return throttle(code, self._rng.randint(1, 10), subcode)
        if self.roll(f.token_death):
            return "token_death"
        if self.roll(f.malformed):
            return "malformed"
        if self.roll(f.http_429):
            return "http_429"
        return None

    def malformed_body(self) -> bytes:
        if self._rng.random() < 0.5:
            return b"Service Unavailable"
        return b'{"data":[{"id":"12'

    @staticmethod
    def dead_token() -> ErrorReply:
        return token_error(460, "Error validating access token: The session has been invalidated.")
