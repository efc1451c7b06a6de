"""The world's objects (frozen) and their state as of an instant (pure functions)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

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
class Issue:
    """One entry of ``issues_info`` (Meta's AdCampaignIssuesInfo / AdgroupIssuesInfo)."""

    level: str  # CAMPAIGN | AD_SET | AD
    error_code: int
    error_summary: str
    error_message: str
    error_type: str = "SOFT_ERROR"

    def info(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "error_code": self.error_code,
            "error_summary": self.error_summary,
            "error_message": self.error_message,
            "error_type": self.error_type,
        }


def issues_info(issue: Issue | None, effective: str) -> list[dict[str, Any]]:
    """``issues_info`` as served: the object's issue while it is WITH_ISSUES, else empty."""
    return [issue.info()] if issue is not None and effective == "WITH_ISSUES" else []


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
    issue: Issue | None = None  # WITH_ISSUES while active


@dataclass(frozen=True)
class Creative:
    id: str
    account_id: str
    name: str
    title: str
    created: float
    page_id: str = ""
    post_id: str = ""

    @property
    def story_id(self) -> str:
        """``effective_object_story_id``: ``<page_id>_<post_id>``."""
        return f"{self.page_id}_{self.post_id}"


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
    issue: Issue | None  # WITH_ISSUES while active
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
