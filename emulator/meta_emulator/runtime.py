"""The emulator's mutable state: world, clock, credentials, quotas, faults, runs, stats."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, datetime
from typing import Any

from meta_emulator.auth import Credentials, make_credentials
from meta_emulator.breakdowns import check_combination
from meta_emulator.clock import EmulatorClock
from meta_emulator.config import EmulatorConfig, Faults
from meta_emulator.faults import FaultInjector
from meta_emulator.filters import Rule
from meta_emulator.insights import all_rows, make_plan
from meta_emulator.metrics import ad_day
from meta_emulator.nodes import object_values
from meta_emulator.query import Query
from meta_emulator.quotas import Quotas
from meta_emulator.reports import ReportRun
from meta_emulator.state import effective, visible
from meta_emulator.stats import Stats
from meta_emulator.world import AccountWorld, World, build_world

TRUTH_FIELDS = (
    "account_id",
    "campaign_id",
    "adset_id",
    "ad_id",
    "date_start",
    "date_stop",
    "impressions",
    "clicks",
    "spend",
    "reach",
    "actions",
    "action_values",
    "account_currency",
)


class Runtime:
    def __init__(
        self, preset: str, seed: int, config: EmulatorConfig, clock: EmulatorClock, anchor: date
    ) -> None:
        self.preset, self.seed, self.config, self.clock, self.anchor = (
            preset,
            seed,
            config,
            clock,
            anchor,
        )
        self.world: World = build_world(preset, seed, anchor)
        self.faults = FaultInjector(seed, config.faults, config.latency_ms, config.jitter_ms)
        self.quotas = Quotas(
            config.access_tier, config.quota_scale, config.app_calls_per_hour, self.active_ads
        )
        self.reset(world=False)

    def reset(self, world: bool = True) -> None:
        """Back to the start: stats, runs, tokens (+ clock, faults, quotas when `world`)."""
        if world:
            self.clock.reset()
            self.faults.reset(self.config.faults)
            self.faults.latency_ms, self.faults.jitter_ms = (
                self.config.latency_ms,
                self.config.jitter_ms,
            )
            self.quotas.reset()
        w = self.world
        self.creds: Credentials = make_credentials(
            self.seed, w.app_id, w.app_secret, self.clock.start.timestamp(), self.config.token
        )
        self.stats = Stats(self.config.call_log_size)
        self.runs: dict[str, ReportRun] = {}
        self._counter = itertools.count(1)
        self._active: dict[tuple[str, int], int] = {}
        self._spent: dict[tuple[str, float], int] = {}

    def next_id(self) -> int:
        return next(self._counter)

    def trace_id(self) -> str:
        digest = hashlib.blake2b(f"{self.seed}:{self.next_id()}".encode(), digest_size=9).digest()
        return digest.hex()[:11].upper()

    def set_faults(self, changes: dict[str, Any]) -> Faults:
        """Change fault rates; `latency_ms` / `jitter_ms` change the latency too."""
        rates = dict(changes)
        self.faults.latency_ms = float(rates.pop("latency_ms", self.faults.latency_ms))
        self.faults.jitter_ms = float(rates.pop("jitter_ms", self.faults.jitter_ms))
        self.faults.faults = self.faults.faults.updated(rates)
        return self.faults.faults

    def account(self, account_id: str) -> AccountWorld:
        key = account_id.removeprefix("act_")
        if key not in self.world.accounts:
            raise KeyError(f"no ad account {account_id}")
        return self.world.accounts[key]

    def active_ads(self, account_id: str) -> int:
        """Ads delivering (effective ACTIVE) now; cached per emulator hour."""
        t = self.clock.timestamp()
        key = (account_id, int(t // 3600))
        if key not in self._active:
            aw = self.world.accounts[account_id]
            self._active[key] = sum(
                1 for ad in aw.ads.values() if visible(ad, t) and effective(aw, ad, t) == "ACTIVE"
            )
        return self._active[key]

    def now_local(self, aw: AccountWorld, t: float | None = None) -> datetime:
        return datetime.fromtimestamp(self.clock.timestamp() if t is None else t, aw.tz)

    def amount_spent(self, aw: AccountWorld, t: float) -> int:
        """Lifetime spend (minor units), every ad included, as of the start of the current hour."""
        hour = int(t // 3600) * 3600.0
        key = (aw.account.id, hour)
        if key not in self._spent:
            self._spent[key] = self._spend_until(aw, hour)
        return self._spent[key]

    def _spend_until(self, aw: AccountWorld, t: float) -> int:
        local = self.now_local(aw, t)
        today = local.toordinal()
        fraction = (local.hour * 3600 + local.minute * 60 + local.second) / 86400
        total = 0
        for ad in aw.ads.values():
            objective = aw.campaigns[ad.campaign_id].objective
            for first, last in ad.delivery:
                for day in range(first, min(last, today) + 1):
                    cell = ad_day(self.seed, ad, objective, day, today, fraction)
                    total += cell.spend if cell else 0
        return total

    def truth_entities(self, account_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every visible object of an account as of now, archived and deleted included."""
        aw = self.account(account_id)
        t = self.clock.timestamp()
        out: dict[str, list[dict[str, Any]]] = {}
        for kind, objects in (("campaigns", aw.campaigns), ("adsets", aw.adsets), ("ads", aw.ads)):
            out[kind] = [
                object_values(aw, kind[:-1], o.id, t) for o in objects.values() if visible(o, t)
            ]
        out["adcreatives"] = [
            object_values(aw, "creative", c.id, t) for c in aw.creatives.values() if c.created <= t
        ]
        return out

    def truth_insights(
        self,
        account_id: str,
        since: date,
        until: date,
        breakdowns: tuple[str, ...] = (),
        action_breakdowns: tuple[str, ...] = ("action_type",),
    ) -> list[dict[str, Any]]:
        """Ad-level daily rows as the API prints them (deleted and archived ads included),
        split by `breakdowns` / `action_breakdowns` when given (Meta's combinations only)."""
        check_combination(breakdowns, action_breakdowns)
        aw = self.account(account_id)
        t = self.clock.timestamp()
        statuses = (
            "ACTIVE",
            "PAUSED",
            "ARCHIVED",
            "DELETED",
            "WITH_ISSUES",
            "ADSET_PAUSED",
            "CAMPAIGN_PAUSED",
        )
        query = Query(
            "ad",
            TRUTH_FIELDS,
            since,
            until,
            "1",
            (),
            (Rule("ad.effective_status", "IN", statuses),),
            breakdowns,
            action_breakdowns,
        )
        ads = [ad for ad in aw.ads.values() if visible(ad, t)]
        return all_rows(make_plan(aw, query, ads, self.seed, self.now_local(aw)))
