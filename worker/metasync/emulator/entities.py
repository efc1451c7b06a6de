"""The world's objects (frozen) and their state as of an instant (pure functions)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

ZERO_DECIMAL = frozenset({"JPY", "KRW", "CLP", "VND", "TWD_"})
TERMINAL = frozenset({"ARCHIVED", "DELETED"})


@dataclass(frozen=True)
class Timeline:
    """Configured status over time: `statuses[i]` holds from `times[i]`; `updates` are edits."""

    times: tuple[float, ...]
    statuses: tuple[str, ...]
    updates: tuple[float, ...]

    def status_at(self, t: float) -> str | None:
        i = bisect_right(self.times, t)
        return self.statuses[i - 1] if i else None

    def updated_at(self, t: float) -> float | None:
        i = bisect_right(self.updates, t)
        return self.updates[i - 1] if i else None

    def versions_at(self, t: float) -> int:
        return bisect_right(self.updates, t)


@dataclass(frozen=True)
class Business:
    id: str
    name: str
    created: float


@dataclass(frozen=True)
class Account:
    id: str  # digits, without act_
    index: int
    business_id: str
    name: str
    currency: str
    timezone: str
    created: float
    status: int  # 1 active, 2 disabled, 3 unsettled, 101 closed

    @property
    def node_id(self) -> str:
        return f"act_{self.id}"

    @property
    def minor_digits(self) -> int:
        return 0 if self.currency in ZERO_DECIMAL else 2


@dataclass(frozen=True)
class Campaign:
    id: str
    account_id: str
    name: str
    objective: str
    budget_kind: str  # daily_budget | lifetime_budget
    budget_minor: int
    created: float
    timeline: Timeline


@dataclass(frozen=True)
class AdSet:
    id: str
    account_id: str
    campaign_id: str
    name: str
    created: float
    timeline: Timeline
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Creative:
    id: str
    account_id: str
    name: str
    title: str
    created: float


@dataclass(frozen=True)
class Ad:
    id: str
    key: int  # stable index used in metric hashes
    account_id: str
    campaign_id: str
    adset_id: str
    creative_id: str
    name: str
    created: float
    timeline: Timeline
    issue: bool  # WITH_ISSUES while active
    scale: float  # typical daily impressions
    ctr: float
    cpm_minor: float
    cvr: float
    aov_minor: float
    delivery: tuple[tuple[int, int], ...]  # inclusive day-ordinal ranges (account tz)
    memo: dict[int, tuple[float, ...] | None] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )  # per-day values, filled lazily by metrics


def effective_status(own: str | None, parents: tuple[tuple[str, str | None], ...]) -> str:
    """Meta's effective_status from the own status and (level, status) of each parent."""
    if own is None:
        return "DELETED"
    if own != "ACTIVE":
        return own
    for level, status in parents:
        if status in TERMINAL:
            return str(status)
        if status == "PAUSED":
            return f"{level.upper()}_PAUSED"
    return "ACTIVE"


def delivers(ad: Ad, ordinal: int) -> bool:
    """Whether `ordinal` (a day in the account's time zone) lies in a delivery range of `ad`."""
    for first, last in ad.delivery:
        if first <= ordinal <= last:
            return True
        if first > ordinal:
            return False
    return False
