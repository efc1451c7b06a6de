"""A worker's counters since it started: Graph calls by kind and error code, chunk outcomes,
rows written. Reported with every heartbeat (``sync_workers.counters``) and exposed by
``GET /metrics`` of ``metasync serve``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_ID = re.compile(r"^(act_)?\d+$")


def call_kind(method: str, path: str) -> str:
    """What a Graph call reads: ``insights``, ``campaigns``, ``batch``, ``object`` ..."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return "batch" if method == "POST" else "root"
    if parts[-1] in ("me", "debug_token") or parts[0] == "oauth":
        return "token"
    if _ID.match(parts[-1]):
        return "account" if parts[-1].startswith("act_") else "object"
    return parts[-1]


@dataclass
class WorkerCounters:
    graph_calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    chunks: Counter[str] = field(default_factory=Counter)
    rows_written: int = 0

    def graph_call(self, kind: str, error_code: str) -> None:
        self.graph_calls[(kind, error_code)] += 1

    def chunk(self, outcome: str, rows: int) -> None:
        self.chunks[outcome] += 1
        self.rows_written += rows

    def as_json(self) -> dict[str, Any]:
        return {
            "graph_calls": {f"{k}|{c}": n for (k, c), n in sorted(self.graph_calls.items())},
            "chunks": dict(sorted(self.chunks.items())),
            "rows_written": self.rows_written,
        }
