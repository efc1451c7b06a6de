"""Preset worlds as lists of account specs (pure, seeded)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from meta_emulator.rand import rng

# currency: (typical CPM, typical order value), in major units
CURRENCIES: dict[str, tuple[float, float]] = {
    "USD": (9, 60),
    "EUR": (8, 55),
    "GBP": (7, 50),
    "JPY": (1200, 8000),
    "KRW": (9000, 70000),
    "INR": (120, 2500),
    "BRL": (25, 200),
    "AUD": (12, 90),
    "NZD": (12, 90),
    "CAD": (11, 80),
}
TIMEZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Tongatapu",
    "Pacific/Honolulu",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "UTC",
)
# the accounts every multi-account world starts with: the awkward time zones and currencies
PINNED = (
    ("JPY", "Asia/Tokyo"),
    ("NZD", "Pacific/Tongatapu"),
    ("USD", "Pacific/Honolulu"),
    ("INR", "Asia/Kolkata"),
    ("NZD", "Pacific/Auckland"),
)
PRESETS = ("small", "agency", "large", "fleet", "demo", "zones")
# the `zones` world: one small account per awkward offset or currency (UTC+5:45 included)
ZONES = (
    ("USD", "Asia/Kathmandu"),
    ("NZD", "Pacific/Auckland"),
    ("NZD", "Pacific/Tongatapu"),
    ("USD", "Pacific/Honolulu"),
    ("INR", "Asia/Kolkata"),
    ("JPY", "Asia/Tokyo"),
)
DEMO_AGENCY_ACCOUNTS = 5  # the demo world: the first agency accounts, then the large account


@dataclass(frozen=True)
class AccountSpec:
    currency: str
    timezone: str
    age_days: int
    campaigns: int
    adsets: int
    ads: int
    status: int = 1
    impressions: float = 800.0  # typical daily impressions of one ad


def preset_specs(preset: str, seed: int) -> list[AccountSpec]:
    """The account specs of a preset world."""
    r = rng(seed, "preset", preset)
    if preset == "small":
        return [AccountSpec("USD", "America/Los_Angeles", 120, 4, 8, 20)]
    if preset == "large":
        return [AccountSpec("USD", "America/New_York", 730, 351, 700, 1000, impressions=1500)]
    if preset == "agency":
        return [_agency_account(r, i) for i in range(50)]
    if preset == "fleet":
        return [_fleet_account(r, i) for i in range(5000)]
    if preset == "zones":
        return [AccountSpec(cur, tz, 400, 3, 5, 10) for cur, tz in ZONES]
    if preset == "demo":
        agency = preset_specs("agency", seed)[:DEMO_AGENCY_ACCOUNTS]
        return [*agency, *preset_specs("large", seed)]
    raise ValueError(f"unknown world preset {preset!r}; choose one of {', '.join(PRESETS)}")


def _place(r: random.Random, i: int) -> tuple[str, str]:
    if i < len(PINNED):
        return PINNED[i]
    return r.choice(sorted(CURRENCIES)), r.choice(TIMEZONES)


def _status(r: random.Random) -> int:
    roll = r.random()
    return 2 if roll < 0.03 else 3 if roll < 0.05 else 101 if roll < 0.08 else 1


def _agency_account(r: random.Random, i: int) -> AccountSpec:
    currency, tz = _place(r, i)
    ads = max(2, min(150, round(math.exp(r.gauss(math.log(18), 0.9)))))
    campaigns = max(1, ads // r.randint(4, 8))
    adsets = max(campaigns, ads // r.randint(2, 3))
    age = r.randint(60, 4 * 365)
    return AccountSpec(currency, tz, age, campaigns, adsets, ads, _status(r) if i > 5 else 1)


def _fleet_account(r: random.Random, i: int) -> AccountSpec:
    currency, tz = _place(r, i)
    ads = r.randint(2, 6)
    campaigns = r.randint(1, 2)
    adsets = r.randint(campaigns, 3)
    return AccountSpec(currency, tz, r.randint(30, 4 * 365), campaigns, adsets, ads, _status(r))
