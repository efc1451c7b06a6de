"""Business Use Case quotas on a rolling hour of the emulator clock, and the usage headers.

Per ad account and hour (x `quota_scale`): ads_management 300 + 40 x active ads (development
tier) or 100000 + 40 x active ads (standard); ads_insights 600 + 400 x active ads (development)
or 190000 + 400 x active ads (standard). Exceeding answers 80004 / 80000 with
`estimated_time_to_regain_access` (minutes). The app as a whole has `app_calls_per_hour` (code 4).
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Callable

from meta_emulator.errors import throttle

WINDOW_S = 3600.0
BASE = {
    ("ads_management", "development_access"): (300, 40),
    ("ads_management", "standard_access"): (100_000, 40),
    ("ads_insights", "development_access"): (600, 400),
    ("ads_insights", "standard_access"): (190_000, 400),
}
CODES = {"ads_management": 80004, "ads_insights": 80000}
USE_CASES = ("ads_management", "ads_insights")


def quota(use_case: str, tier: str, active_ads: int, scale: float) -> int:
    """Meta's hourly call quota for one ad account."""
    base, per_ad = BASE[(use_case, tier)]
    return max(1, int((base + per_ad * active_ads) * scale))


class Quotas:
    def __init__(
        self, tier: str, scale: float, app_per_hour: int, active_ads: Callable[[str], int]
    ) -> None:
        self.tier = tier
        self.scale = scale
        self.app_per_hour = app_per_hour
        self._active_ads = active_ads
        self._calls: dict[tuple[str, str], deque[float]] = {}
        self._app: deque[float] = deque()

    def reset(self) -> None:
        self._calls.clear()
        self._app.clear()

    def _window(self, key: tuple[str, str], now: float) -> deque[float]:
        calls = self._calls.setdefault(key, deque())
        _expire(calls, now)
        return calls

    def limit(self, account: str, use_case: str) -> int:
        return quota(use_case, self.tier, self._active_ads(account), self.scale)

    def admit(self, account: str | None, use_case: str, now: float) -> None:
        """Count a call, or raise the throttle error if the account or app is over its quota."""
        _expire(self._app, now)
        if len(self._app) >= self.app_per_hour:
            raise throttle(4, _regain(self._app, now))
        if account is not None:
            calls = self._window((account, use_case), now)
            if len(calls) >= self.limit(account, use_case):
                raise throttle(CODES[use_case], _regain(calls, now), 2446079)
            calls.append(now)
        self._app.append(now)

    def pct(self, account: str, use_case: str, now: float) -> float:
        return 100.0 * len(self._window((account, use_case), now)) / self.limit(account, use_case)

    def headers(self, account: str | None, insights: bool, now: float) -> dict[str, str]:
        """The usage headers of an answer (an account's only when the call names one)."""
        _expire(self._app, now)
        app_pct = min(100, round(100 * len(self._app) / self.app_per_hour))
        usage = {"call_count": app_pct, "total_time": app_pct, "total_cputime": app_pct}
        out = {"x-app-usage": _dumps(usage)}
        if account is None:
            return out
        out["x-ad-account-usage"] = _dumps(self._account_usage(account, now))
        out["x-business-use-case-usage"] = _dumps({account: self._buc_usage(account, now)})
        if insights:
            acc = round(self.pct(account, "ads_insights", now), 2)
            throttle = {"app_id_util_pct": app_pct, "acc_id_util_pct": acc}
            out["x-fb-ads-insights-throttle"] = _dumps(throttle)
        return out

    def _buc_usage(self, account: str, now: float) -> list[dict[str, object]]:
        usage: list[dict[str, object]] = []
        for use_case in USE_CASES:
            calls = self._window((account, use_case), now)
            pct = min(100, math.ceil(self.pct(account, use_case, now)))
            full = len(calls) >= self.limit(account, use_case)
            usage.append({
                "type": use_case, "call_count": pct, "total_cputime": max(0, pct - 5),
                "total_time": max(0, pct - 3),
                "estimated_time_to_regain_access": _regain(calls, now) if full else 0,
                "ads_api_access_tier": self.tier,
            })  # fmt: skip
        return usage

    def _account_usage(self, account: str, now: float) -> dict[str, object]:
        top = max(self.pct(account, u, now) for u in USE_CASES)
        oldest = [c[0] for u in USE_CASES if (c := self._window((account, u), now))]
        reset = int(max((t + WINDOW_S - now for t in oldest), default=0))
        return {"acc_id_util_pct": round(top, 2), "reset_time_duration": reset,
                "ads_api_access_tier": self.tier}  # fmt: skip


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _expire(calls: deque[float], now: float) -> None:
    while calls and calls[0] <= now - WINDOW_S:
        calls.popleft()


def _regain(calls: deque[float], now: float) -> int:
    """Minutes until the oldest call in the window leaves it."""
    return max(1, math.ceil((calls[0] + WINDOW_S - now) / 60)) if calls else 1
