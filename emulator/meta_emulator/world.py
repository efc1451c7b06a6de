"""The world: businesses, ad accounts and their objects, pure functions of (preset, seed)."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from meta_emulator.entities import (
    TERMINAL,
    Account,
    Ad,
    AdSet,
    Business,
    Campaign,
    Creative,
    Issue,
    Timeline,
)
from meta_emulator.presets import CURRENCIES, AccountSpec, preset_specs
from meta_emulator.rand import rng
from meta_emulator.timeline import DAY, cascade, delivery_days, make_timeline

OBJECTIVES = (
    "OUTCOME_SALES",
    "OUTCOME_LEADS",
    "OUTCOME_TRAFFIC",
    "OUTCOME_AWARENESS",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_APP_PROMOTION",
)
HORIZON_DAYS = 240  # status changes are scheduled up to this far after the anchor
COUNTRIES = ("US", "GB", "DE", "FR", "JP", "IN", "BR", "AU", "NZ", "CA")


# what WITH_ISSUES objects carry in issues_info (codes illustrative, shapes as Meta's)
AD_ISSUE = Issue("AD", 1815869, "Ad has issues", "This ad's landing page could not be reached.")
ADSET_ISSUES = (
    Issue(
        "AD_SET",
        1885650,
        "Budget too low",
        "This ad set's daily budget is below the minimum for its optimization goal.",
    ),
    Issue(
        "AD_SET",
        1885272,
        "Audience too small",
        "This ad set's targeting reaches too few people for it to deliver.",
    ),
)
ADSET_ISSUE_RATE = 0.04

KINDS = {"1": "campaign", "2": "adset", "3": "ad", "4": "creative"}


@dataclass(frozen=True)
class Objects:
    campaigns: dict[str, Campaign]
    adsets: dict[str, AdSet]
    ads: dict[str, Ad]
    creatives: dict[str, Creative]


class AccountWorld:
    """One ad account; its objects (dicts ordered by id) are generated on first use."""

    def __init__(self, account: Account, spec: AccountSpec, seed: int, anchor: float) -> None:
        self.account, self.spec, self.seed, self.anchor = account, spec, seed, anchor

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.account.timezone)

    @cached_property
    def objects(self) -> Objects:
        return build_objects(self)

    @property
    def campaigns(self) -> dict[str, Campaign]:
        return self.objects.campaigns

    @property
    def adsets(self) -> dict[str, AdSet]:
        return self.objects.adsets

    @property
    def ads(self) -> dict[str, Ad]:
        return self.objects.ads

    @property
    def creatives(self) -> dict[str, Creative]:
        return self.objects.creatives


@dataclass
class World:
    preset: str
    seed: int
    anchor: date
    app_id: str
    app_secret: str
    businesses: dict[str, Business]
    accounts: dict[str, AccountWorld]  # by account id digits, in index order

    @cached_property
    def by_index(self) -> list[AccountWorld]:
        return list(self.accounts.values())

    def find(self, object_id: str) -> tuple[str, AccountWorld] | None:
        """(kind, account) of an object id; ids encode their account, so nothing is scanned."""
        if object_id.startswith("act_"):
            aw = self.accounts.get(object_id[4:])
            return ("account", aw) if aw else None
        prefix = f"2385{self.seed % 1000:03d}"
        if len(object_id) != 18 or not object_id.startswith(prefix) or not object_id.isdigit():
            return None
        index, kind = int(object_id[7:12]), KINDS.get(object_id[12])
        if kind is None or index >= len(self.by_index):
            return None
        aw = self.by_index[index]
        pools: dict[str, dict[str, Any]] = {
            "campaign": aw.campaigns,
            "adset": aw.adsets,
            "ad": aw.ads,
            "creative": aw.creatives,
        }
        pool = pools[kind]
        return (kind, aw) if object_id in pool else None


def build_world(preset: str, seed: int, anchor: date) -> World:
    """The world's accounts (objects follow lazily); every value depends only on the arguments."""
    anchor_ts = datetime.combine(anchor, time(12), UTC).timestamp()
    specs = preset_specs(preset, seed)
    n_business = max(1, len(specs) // 100)
    businesses = {
        b.id: b
        for b in (
            Business(f"5{seed % 1000:03d}{i:08d}", f"Business {i + 1}", anchor_ts - 1500 * DAY)
            for i in range(n_business)
        )
    }
    ids = sorted(businesses)
    accounts: dict[str, AccountWorld] = {}
    for i, spec in enumerate(specs):
        aw = build_account(seed, i, spec, ids[i % len(ids)], anchor_ts)
        accounts[aw.account.id] = aw
    secret = hashlib.sha256(f"secret:{seed}".encode()).hexdigest()[:32]
    app_id = f"9{seed % 10**6:06d}{4242:08d}"
    return World(preset, seed, anchor, app_id, secret, businesses, accounts)


def build_account(
    seed: int, index: int, spec: AccountSpec, business: str, anchor: float
) -> AccountWorld:
    """One account (its objects are generated on first use, from their own seeded stream)."""
    r = rng(seed, "account", index)
    created = anchor - spec.age_days * DAY - r.uniform(0, 0.9) * DAY
    acc = Account(
        f"10{seed % 1000:03d}{index:08d}",
        index,
        business,
        f"Account {index + 1} ({spec.currency})",
        spec.currency,
        spec.timezone,
        created,
        spec.status,
    )
    return AccountWorld(acc, spec, seed, anchor)


def build_objects(aw: AccountWorld) -> Objects:
    """Campaigns, ad sets, ads and creatives of an account."""
    spec, anchor, index = aw.spec, aw.anchor, aw.account.index
    r = rng(aw.seed, "objects", index)
    prefix = f"2385{aw.seed % 1000:03d}{index:05d}"
    campaigns = [_campaign(r, aw, f"{prefix}1{n:05d}", n, anchor) for n in range(spec.campaigns)]
    parents = _spread(r, spec.adsets, len(campaigns))
    adsets = [
        _adset(r, campaigns[p], f"{prefix}2{n:05d}", n, anchor) for n, p in enumerate(parents)
    ]
    adsets = _with_issues(aw, adsets)
    owners = _spread(r, spec.ads, len(adsets))
    ads: dict[str, Ad] = {}
    creatives: dict[str, Creative] = {}
    for n, p in enumerate(owners):
        ad = _ad(r, aw, adsets[p], campaigns[int(adsets[p].campaign_id[-5:])], prefix, n, anchor)
        ads[ad.id] = ad
        creatives[ad.creative_id] = Creative(
            ad.creative_id,
            aw.account.id,
            f"Creative for {ad.name}",
            f"Headline {n + 1}",
            ad.created,
            page_id(aw),
            ad.creative_id[-9:],
        )
    return Objects({c.id: c for c in campaigns}, {s.id: s for s in adsets}, ads, creatives)


def page_id(aw: AccountWorld) -> str:
    """The Facebook page an account's creatives are posted from."""
    return f"1{aw.account.id[-9:]}"


def _with_issues(aw: AccountWorld, adsets: list[AdSet]) -> list[AdSet]:
    """A few ad sets carry an issue (own seeded stream: the rest of the world is unchanged)."""
    r = rng(aw.seed, "adset-issues", aw.account.index)
    return [
        replace(s, issue=r.choice(ADSET_ISSUES)) if r.random() < ADSET_ISSUE_RATE else s
        for s in adsets
    ]


def _spread(r: random.Random, n: int, buckets: int) -> list[int]:
    """`n` children over `buckets` parents, each parent getting at least one."""
    extra = [r.randrange(buckets) for _ in range(max(0, n - buckets))]
    return sorted([*range(min(n, buckets)), *extra])


def _born(r: random.Random, after: float, anchor: float) -> float:
    if r.random() < 0.03:
        return anchor + r.uniform(0.1, 30) * DAY  # appears later, as the clock advances
    return after + (anchor - after) * r.random()


def _child_born(r: random.Random, parent: Timeline, mean_days: float) -> float:
    """Soon after the parent's creation, and before it is archived or deleted."""
    end = next(
        (t for t, s in zip(parent.times, parent.statuses, strict=True) if s in TERMINAL), None
    )
    born = parent.times[0] + r.expovariate(1 / (mean_days * DAY))
    return born if end is None else max(parent.times[0], min(born, end - 3600))


def _campaign(r: random.Random, aw: AccountWorld, cid: str, n: int, anchor: float) -> Campaign:
    created = _born(r, aw.account.created, anchor)
    tl = make_timeline(r, created, anchor + HORIZON_DAYS * DAY, 60, 0.06)
    cpm = CURRENCIES[aw.account.currency][0] * 10**aw.account.minor_digits
    budget = int(round(cpm * r.uniform(2, 40), -1 if aw.account.minor_digits == 0 else 0))
    kind = "daily_budget" if r.random() < 0.8 else "lifetime_budget"
    obj = r.choice(OBJECTIVES)
    return Campaign(
        cid, aw.account.id, f"Campaign {n + 1} {obj[8:].title()}", obj, kind, budget, created, tl
    )


def _adset(r: random.Random, c: Campaign, sid: str, n: int, anchor: float) -> AdSet:
    created = _child_born(r, c.timeline, 4)
    tl = cascade(make_timeline(r, created, anchor + HORIZON_DAYS * DAY, 45, 0.05), c.timeline)
    countries = tuple(sorted(r.sample(COUNTRIES, r.randint(1, 3))))
    return AdSet(sid, c.account_id, c.id, f"Ad set {n + 1}", created, tl, countries)


def _ad(
    r: random.Random,
    aw: AccountWorld,
    s: AdSet,
    campaign: Campaign,
    prefix: str,
    n: int,
    anchor: float,
) -> Ad:
    created = _child_born(r, s.timeline, 6)
    tl = cascade(make_timeline(r, created, anchor + HORIZON_DAYS * DAY, 35, 0.05), s.timeline)
    cpm, aov = CURRENCIES[aw.account.currency]
    minor = 10**aw.account.minor_digits
    return Ad(
        f"{prefix}3{n:05d}",
        aw.account.index * 10**5 + n,
        aw.account.id,
        campaign.id,
        s.id,
        f"{prefix}4{n:05d}",
        f"Ad {n + 1}",
        created,
        tl,
        AD_ISSUE if r.random() < 0.05 else None,
        math.exp(r.gauss(math.log(aw.spec.impressions), 0.8)),
        r.uniform(0.004, 0.03),
        cpm * minor * r.uniform(0.6, 1.6),
        r.uniform(0.01, 0.08),
        aov * minor * r.uniform(0.5, 1.5),
        delivery_days(tl, s.timeline, campaign.timeline, aw.tz),
    )
