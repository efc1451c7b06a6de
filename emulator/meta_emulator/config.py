"""Emulator settings: behaviour knobs fixed at start, and the fault rates changeable at run time."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any


@dataclass(frozen=True)
class Faults:
    """Per-class probabilities (0..1) that a Graph call is answered with a fault instead."""

    transient: float = 0.0  # 500 code 1 / 503 code 2, is_transient
    throttle: float = 0.0  # code 4, 17 or 613 with an estimated regain time
    token_death: float = 0.0  # code 190: the token used stays dead until reset
    batch_null: float = 0.0  # a batch item answered with null
    report_failed: float = 0.0  # an async report run ends Job Failed / Job Skipped
    malformed: float = 0.0  # HTTP 200 with body "Service Unavailable" or truncated JSON
    http_429: float = 0.0  # HTTP 429 without a JSON body (reported, unconfirmed)
    short_page: float = 0.0  # a page shorter than `limit` that still has `next`
    empty_page: float = 0.0  # an empty page that still has `next`

    def updated(self, changes: dict[str, Any]) -> Faults:
        """A copy with `changes` applied; unknown names raise ValueError."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault classes: {sorted(unknown)}")
        return replace(self, **{k: float(v) for k, v in changes.items()})

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes the emulator's answers besides the world and the clock."""

    versions: tuple[str, ...] = ("v25.0", "v26.0")
    require_appsecret_proof: bool = True
    token: str | None = None  # fix the main system-user token at start
    access_tier: str = "standard_access"  # or "development_access"
    quota_scale: float = 1.0  # multiplies every Business Use Case quota
    app_calls_per_hour: int = 1_000_000  # X-App-Usage / code 4 budget (all accounts)
    page_size: int = 25
    cursor_ttl_s: float = 3600.0  # on the emulator clock
    max_sync_rows: int = 50_000  # estimated output rows -> code 100 / 1487534
    max_sync_ad_days: int = 400_000  # ads x days scanned -> code 1 (HTTP 500)
    report_run_s: float = 2.0  # a report run's duration, emulator clock or wall time
    report_race_rate: float = 0.1  # share of report runs whose first polls answer 100/33
    report_race_polls: int = 1  # how many first polls of such a run answer 100/33
    # the last version that still sends X-Ad-Account-Usage (None: every served version does)
    ad_account_usage_until: str | None = None
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    faults: Faults = field(default_factory=Faults)
    webhook_retry_delays_s: tuple[float, ...] = (0.05, 0.2, 1.0)
    webhook_duplicate_rate: float = 0.1
    call_log_size: int = 10_000
