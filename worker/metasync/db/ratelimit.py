"""The rate-limit state every worker shares, from Python: ``record_rate_limit_state`` and
``get_rate_limit_state`` (``sql/0216``, ``sql/0217``), same names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from metasync.db._run import Conn, rows


@dataclass(frozen=True)
class RateLimitRow:
    """One row of ``meta_rate_limit_state`` as ``get_rate_limit_state`` returns it."""

    scope_type: str
    scope_id: str
    usage_type: str
    call_count_pct: float | None
    total_cputime_pct: float | None
    total_time_pct: float | None
    estimated_regain_minutes: int | None
    blocked_until: datetime | None
    last_throttle_code: int | None
    observed_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RateLimitRow:
        def pct(key: str) -> float | None:
            value = row.get(key)
            return float(value) if value is not None else None

        return cls(
            scope_type=str(row["scope_type"]),
            scope_id=str(row["scope_id"]),
            usage_type=str(row.get("usage_type") or ""),
            call_count_pct=pct("call_count_pct"),
            total_cputime_pct=pct("total_cputime_pct"),
            total_time_pct=pct("total_time_pct"),
            estimated_regain_minutes=row.get("estimated_regain_minutes"),
            blocked_until=row.get("blocked_until"),
            last_throttle_code=row.get("last_throttle_code"),
            observed_at=row["observed_at"],
        )


async def record_rate_limit_state(conn: Conn, now: datetime | None = None, **fields: Any) -> None:
    """Upsert one scope's usage; ``fields`` are the SQL parameters without the ``p_`` prefix."""
    names = sorted(fields)
    args = ", ".join(f"p_{n} => %({n})s" for n in names)
    await rows(
        conn,
        f"select meta_sync.record_rate_limit_state({args}, p_now => coalesce(%(now)s, now()))",
        {**fields, "now": now},
    )


async def get_rate_limit_state(conn: Conn, now: datetime | None = None) -> list[RateLimitRow]:
    found = await rows(
        conn,
        "select * from meta_sync.get_rate_limit_state(p_now => coalesce(%(now)s, now()))",
        {"now": now},
    )
    return [RateLimitRow.from_row(r) for r in found]
