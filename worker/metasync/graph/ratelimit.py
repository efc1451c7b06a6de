"""Usage headers -> frozen snapshots -> a governor that paces calls per scope.

Every response (errors and batch items included) carries usage headers. They are parsed into a
:class:`Usage`, turned into one :class:`ScopeState` per scope (app, ad account, business use
case per id + type) and recorded in a :class:`UsageStore` shared by every worker. Before a call,
:func:`delay_before_next_call` (pure) says how long to wait: nothing below ``slow_from_pct``, a
smoothly growing delay up to ``stop_at_pct``, then a stop until Meta's regain time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from metasync.graph.errors import ThrottledError

ScopeKind = Literal["app", "account", "business_use_case"]
INSIGHTS_USE_CASE = "ads_insights"
MANAGEMENT_USE_CASE = "ads_management"


def account_key(account_id: str) -> str:
    """``act_123`` and ``123`` name the same account scope."""
    return account_id.removeprefix("act_")


@dataclass(frozen=True)
class LimitScope:
    """What a Meta rate limit counts against: the app, an ad account, or a business use case."""

    kind: ScopeKind
    id: str = ""
    use_case: str = ""

    @classmethod
    def app(cls) -> LimitScope:
        return cls("app")

    @classmethod
    def account(cls, account_id: str) -> LimitScope:
        return cls("account", account_key(account_id))

    @classmethod
    def business(cls, scope_id: str, use_case: str) -> LimitScope:
        return cls("business_use_case", account_key(scope_id), use_case)


@dataclass(frozen=True)
class ScopeState:
    """What is known about one scope: usage in percent, when, and a stop if any."""

    pct: float
    observed_at: datetime
    blocked_until: datetime | None = None


@dataclass(frozen=True)
class Usage:
    """One response's usage headers, parsed. ``states`` holds one entry per scope seen."""

    observed_at: datetime
    states: Mapping[LimitScope, ScopeState] = field(default_factory=dict)
    insights_throttle: Mapping[str, float] = field(default_factory=dict)
    access_tier: str | None = None

    @property
    def empty(self) -> bool:
        return not self.states


def _json_header(headers: Mapping[str, str], name: str) -> Any:
    raw = next((v for k, v in headers.items() if k.lower() == name), None)
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:
        return None


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _pct(entry: Mapping[str, Any], *keys: str) -> float:
    return max((_num(entry.get(k)) for k in keys), default=0.0)


def _block(now: datetime, seconds: float) -> datetime | None:
    return now + timedelta(seconds=seconds) if seconds > 0 else None


def _business_states(value: Any, now: datetime) -> dict[LimitScope, ScopeState]:
    states: dict[LimitScope, ScopeState] = {}
    if not isinstance(value, dict):
        return states
    for key, entries in value.items():
        for e in entries if isinstance(entries, list) else []:
            if not isinstance(e, dict) or not isinstance(e.get("type"), str):
                continue
            pct = _pct(e, "call_count", "total_cputime", "total_time")
            regain = _num(e.get("estimated_time_to_regain_access")) * 60
            scope = LimitScope.business(str(key), e["type"])
            states[scope] = ScopeState(pct, now, _block(now, regain))
    return states


def parse_usage(
    headers: Mapping[str, str], now: datetime, *, account_id: str | None = None
) -> Usage:
    """Parse X-App-Usage, X-Ad-Account-Usage, X-Business-Use-Case-Usage and
    X-FB-Ads-Insights-Throttle. ``account_id`` names the account of X-Ad-Account-Usage."""
    states: dict[LimitScope, ScopeState] = {}
    app = _json_header(headers, "x-app-usage")
    if isinstance(app, dict):
        states[LimitScope.app()] = ScopeState(
            _pct(app, "call_count", "total_time", "total_cputime"), now
        )
    acc = _json_header(headers, "x-ad-account-usage")
    tier = None
    if isinstance(acc, dict) and account_id:
        pct = _pct(acc, "acc_id_util_pct")
        reset = _num(acc.get("reset_time_duration")) if pct >= 100 else 0.0
        states[LimitScope.account(account_id)] = ScopeState(pct, now, _block(now, reset))
        tier = acc.get("ads_api_access_tier")
    states.update(_business_states(_json_header(headers, "x-business-use-case-usage"), now))
    ins = _json_header(headers, "x-fb-ads-insights-throttle")
    insights = {k: _num(v) for k, v in ins.items()} if isinstance(ins, dict) else {}
    return Usage(now, states, insights, tier if isinstance(tier, str) else None)


def throttle_usage(
    err: ThrottledError, now: datetime, default_block_seconds: float, account_id: str | None
) -> Usage:
    """A throttle error as a usage snapshot: the scope at 100 %, stopped until regain time."""
    if err.scope == "business_use_case" and err.scope_id:
        scope = LimitScope.business(err.scope_id, err.use_case or "")
    elif err.scope == "account" and (err.scope_id or account_id):
        scope = LimitScope.account(err.scope_id or account_id or "")
    else:
        scope = LimitScope.app()
    seconds = err.retry_after if err.retry_after else default_block_seconds
    return Usage(now, {scope: ScopeState(100.0, now, now + timedelta(seconds=seconds))})


def merge_state(old: ScopeState | None, new: ScopeState) -> ScopeState:
    """The newest usage wins; a stop is never shortened by a later observation."""
    if old is None:
        return new
    newest = new if new.observed_at >= old.observed_at else old
    stops = [t for t in (old.blocked_until, new.blocked_until) if t is not None]
    return replace(newest, blocked_until=max(stops) if stops else None)


@dataclass(frozen=True)
class GovernorPolicy:
    slow_from_pct: float = 60.0
    stop_at_pct: float = 95.0
    max_spread_seconds: float = 120.0  # the delay reached just below stop_at_pct
    stop_seconds: float = 600.0  # stop at >= stop_at_pct when Meta gives no regain time
    throttle_block_seconds: float = 900.0  # stop after a throttle error without a regain time
    stale_after_seconds: float = 3600.0  # usage older than this is ignored (rolling hour)


def delay_before_next_call(
    state: ScopeState | None, now: datetime, policy: GovernorPolicy = GovernorPolicy()
) -> float:
    """Seconds to wait before the next call in this scope. Pure, monotonic in ``pct``.

    A stop (``blocked_until``) holds until it ends; once it has ended, the usage read before it
    is obsolete and calls resume at once (the next response brings fresh usage)."""
    if state is None:
        return 0.0
    age = (now - state.observed_at).total_seconds()
    if state.blocked_until is None:
        return _pace(state.pct, age, policy, regain_known=False)
    remaining = (state.blocked_until - now).total_seconds()
    if remaining <= 0:
        return 0.0
    return max(remaining, _pace(state.pct, age, policy, regain_known=True))


def _pace(pct: float, age: float, policy: GovernorPolicy, *, regain_known: bool) -> float:
    if age >= policy.stale_after_seconds or pct < policy.slow_from_pct:
        return 0.0
    if pct >= policy.stop_at_pct:
        if regain_known:
            return policy.max_spread_seconds
        return max(policy.max_spread_seconds, policy.stop_seconds - age)
    ratio = (pct - policy.slow_from_pct) / (policy.stop_at_pct - policy.slow_from_pct)
    return policy.max_spread_seconds * ratio * ratio


def relevant_scopes(account_id: str | None, use_case: str | None) -> list[LimitScope]:
    """The scopes a call for ``account_id`` spends: app-wide, the account, its use case."""
    scopes = [LimitScope.app()]
    if account_id:
        scopes.append(LimitScope.account(account_id))
        cases = [use_case] if use_case else [INSIGHTS_USE_CASE, MANAGEMENT_USE_CASE]
        scopes.extend(LimitScope.business(account_id, c) for c in cases)
    return scopes


class UsageStore(Protocol):
    """Shared rate-limit state (Postgres ``meta_sync.meta_rate_limit_state`` in production).

    ``record`` must merge with :func:`merge_state` semantics (newest usage, longest stop)."""

    async def record(self, usage: Usage) -> None: ...

    async def load(self, scope: LimitScope) -> ScopeState | None: ...


class InMemoryUsageStore:
    """For unit tests only: state in one process is not shared between workers."""

    def __init__(self) -> None:
        self.states: dict[LimitScope, ScopeState] = {}

    async def record(self, usage: Usage) -> None:
        for scope, state in usage.states.items():
            self.states[scope] = merge_state(self.states.get(scope), state)

    async def load(self, scope: LimitScope) -> ScopeState | None:
        return self.states.get(scope)


def max_delay(states: Iterable[ScopeState | None], now: datetime, policy: GovernorPolicy) -> float:
    return max((delay_before_next_call(s, now, policy) for s in states), default=0.0)
