"""Call log and statistics of the Graph calls served (control routes are not counted)."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Stats:
    log_size: int = 10_000
    calls: int = 0
    http_requests: int = 0
    batch_requests: int = 0
    batch_items: int = 0
    throttled: int = 0
    failed: int = 0
    malformed: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_account: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)
    log: deque[dict[str, Any]] = field(default_factory=deque)

    def record(self, entry: dict[str, Any]) -> None:
        """Count one Graph call (a batch item counts as one)."""
        self.calls += 1
        self.by_kind[entry["kind"]] += 1
        if entry.get("account"):
            self.by_account[entry["account"]] += 1
        code = entry.get("code")
        if code is not None:
            self.by_code[str(code)] += 1
            self.failed += 1
            if code in (4, 17, 613) or 80000 <= code <= 80014:
                self.throttled += 1
        if entry.get("malformed"):
            self.malformed += 1
            self.failed += 1
        if entry.get("batch"):
            self.batch_items += 1
        self.log.append(entry)
        while len(self.log) > self.log_size:
            self.log.popleft()

    def summary(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "http_requests": self.http_requests,
            "batch_requests": self.batch_requests,
            "batch_items": self.batch_items,
            "throttled": self.throttled,
            "failed": self.failed,
            "malformed": self.malformed,
            "by_kind": dict(self.by_kind),
            "by_account": dict(self.by_account),
            "by_error_code": dict(self.by_code),
        }
