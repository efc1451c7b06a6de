"""Insights breakdowns: each (ad, day) cell is split over dimension values with integer
counters allocated by largest remainder, so the split rows always add up to the unsplit row.

Which dimensions may be combined follows Meta's "Combining breakdowns" table (`COMBINATIONS`);
any other combination is refused with Meta's code 100. Dependent values stay consistent: a
``region`` lies in one of the ad set's countries, a ``platform_position`` belongs to its
``publisher_platform``."""

from __future__ import annotations

import itertools
from functools import lru_cache

from meta_emulator.entities import Ad
from meta_emulator.errors import invalid
from meta_emulator.metrics import Cell
from meta_emulator.rand import uniforms
from meta_emulator.world import COUNTRIES

REGIONS: dict[str, tuple[str, ...]] = {
    "US": ("California", "Texas", "New York", "Florida"),
    "GB": ("England", "Scotland", "Wales"),
    "DE": ("Bavaria", "Berlin", "Hamburg"),
    "FR": ("Ile-de-France", "Provence-Alpes-Cote d'Azur"),
    "JP": ("Tokyo", "Osaka"),
    "IN": ("Maharashtra", "Karnataka", "Delhi"),
    "BR": ("Sao Paulo", "Rio de Janeiro"),
    "AU": ("New South Wales", "Victoria"),
    "NZ": ("Auckland", "Wellington"),
    "CA": ("Ontario", "Quebec", "British Columbia"),
}
POSITIONS: dict[str, tuple[str, ...]] = {
    "facebook": ("feed", "facebook_reels", "facebook_stories", "marketplace", "video_feeds",
                 "right_hand_column", "search"),
    "instagram": ("feed", "instagram_stories", "instagram_reels", "instagram_explore"),
    "audience_network": ("an_classic", "rewarded_video"),
    "messenger": ("messenger_inbox", "messenger_stories"),
}  # fmt: skip
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "publisher_platform": tuple(POSITIONS),
    "platform_position": tuple(dict.fromkeys(p for ps in POSITIONS.values() for p in ps)),
    "impression_device": ("desktop", "iphone", "ipad", "android_smartphone", "android_tablet",
                          "other"),
    "age": ("18-24", "25-34", "35-44", "45-54", "55-64", "65+"),
    "gender": ("female", "male", "unknown"),
    "device_platform": ("mobile_app", "mobile_web", "desktop"),
    "country": COUNTRIES,
    "region": tuple(r for c in COUNTRIES for r in REGIONS[c]),
}  # fmt: skip
REGION_COUNTRY = {r: c for c, rs in REGIONS.items() for r in rs}
JOINABLE = frozenset({"action_type", "action_target_id", "action_destination"})
ACTION_BREAKDOWNS = frozenset({*JOINABLE, "action_device", "action_reaction"})
HOURLY = ("hourly_stats_aggregated_by_advertiser_time_zone",
          "hourly_stats_aggregated_by_audience_time_zone")  # fmt: skip
# Meta's table; starred rows (True) may be joined with action_type/action_target_id/
# action_destination. Names the emulator does not split by (dma, product_id, ...) are refused.
COMBINATIONS: dict[frozenset[str], bool] = {
    frozenset(k.split()): star
    for k, star in (
        ("", True), ("action_device", True), ("action_device impression_device", True),
        ("action_device publisher_platform", True),
        ("action_device publisher_platform impression_device", True),
        ("action_device publisher_platform platform_position", True),
        ("action_device publisher_platform platform_position impression_device", True),
        ("action_reaction", False), ("age", True), ("age gender", True), ("country", True),
        ("gender", True), ("impression_device", True), ("publisher_platform", True),
        ("publisher_platform impression_device", True),
        ("publisher_platform platform_position", True),
        ("publisher_platform platform_position impression_device", True), ("region", True),
        ("device_platform", True), *((h, True) for h in HOURLY),
    )
}  # fmt: skip


def check_combination(dims: tuple[str, ...], actions: tuple[str, ...]) -> None:
    """Meta's code 100 for an unknown name or a combination its table does not allow."""
    for n, dim in enumerate(dims):
        if dim not in DIMENSIONS:
            raise invalid(
                f"breakdowns[{n}] must be one of the following values: "
                f"{', '.join(sorted(DIMENSIONS))}"
            )
    for n, name in enumerate(actions):
        if name not in ACTION_BREAKDOWNS:
            raise invalid(
                f"action_breakdowns[{n}] must be one of the following values: "
                f"{', '.join(sorted(ACTION_BREAKDOWNS))}"
            )
    if len(set(dims)) != len(dims) or len(set(actions)) != len(actions):
        raise invalid("breakdowns and action_breakdowns must not repeat a name")
    joined = set(actions) & JOINABLE
    core = frozenset(dims) | (frozenset(actions) - JOINABLE)
    star = COMBINATIONS.get(core)
    allowed = star is not None and (
        star or not joined or (core == {"action_reaction"} and joined == {"action_type"})
    )
    if not allowed:
        raise invalid(
            "Current combination of data breakdown columns "
            f"({', '.join([*actions, *dims])}) is invalid"
        )


def combos(dims: tuple[str, ...]) -> int:
    """Size of the index space of value combinations (1 without breakdowns)."""
    size = 1
    for dim in dims:
        size *= len(DIMENSIONS[dim])
    return size


def _allowed(dim: str, countries: tuple[str, ...]) -> tuple[str, ...]:
    if dim == "country":
        return countries
    if dim == "region":
        return tuple(r for r in DIMENSIONS["region"] if REGION_COUNTRY[r] in countries)
    return DIMENSIONS[dim]


@lru_cache(maxsize=65_536)
def _weights(seed: int, key: int, dim: str, allowed: tuple[str, ...]) -> tuple[float, ...]:
    u = uniforms(seed, key, "breakdown", dim)
    n = len(u)
    raw = [(0.2 + u[i % n]) ** 2 if v in allowed else 0.0 for i, v in enumerate(DIMENSIONS[dim])]
    total = sum(raw)
    return tuple(w / total for w in raw)


def _consistent(values: dict[str, str]) -> bool:
    platform, position = values.get("publisher_platform"), values.get("platform_position")
    return platform is None or position is None or position in POSITIONS[platform]


@lru_cache(maxsize=4096)
def _table(
    seed: int, key: int, dims: tuple[str, ...], countries: tuple[str, ...]
) -> list[tuple[int, dict[str, str], float]]:
    """(combination index, values, weight) for one ad, zero weights dropped."""
    per_dim = []
    for dim in dims:
        weights = _weights(seed, key, dim, _allowed(dim, countries))
        per_dim.append(list(enumerate(zip(DIMENSIONS[dim], weights, strict=True))))
    out = []
    for choice in itertools.product(*per_dim):
        index, weight, values = 0, 1.0, {}
        for dim, (i, (value, w)) in zip(dims, choice, strict=True):
            index = index * len(DIMENSIONS[dim]) + i
            weight *= w
            values[dim] = value
        if weight > 0 and _consistent(values):
            out.append((index, values, weight))
    total = sum(w for _, _, w in out)
    return [(i, v, w / total) for i, v, w in out]


def allocate(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` summing exactly to `total` (largest remainder)."""
    exact = [total * w for w in weights]
    out = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (out[i] - exact[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def split(
    cell: Cell, seed: int, ad: Ad, countries: tuple[str, ...], dims: tuple[str, ...]
) -> list[tuple[int, dict[str, str], Cell]]:
    """The cell of one ad and day split over every combination of the dimensions' values."""
    table = _table(seed, ad.key, dims, countries)
    weights = [w for _, _, w in table]
    scalars = [
        allocate(v, weights)
        for v in (cell.impressions, cell.clicks, cell.reach, cell.spend, cell.link)
    ]
    actions = {k: [allocate(v, weights) for v in vs] for k, vs in cell.actions.items()}
    values = {k: [allocate(v, weights) for v in vs] for k, vs in cell.values.items()}
    out = []
    for n, (index, dim_values, _) in enumerate(table):
        part = Cell(*(s[n] for s in scalars))
        part.reach_max = part.reach
        part.actions = {k: [a[n] for a in ls] for k, ls in actions.items() if any(a[n] for a in ls)}
        part.values = {k: [a[n] for a in ls] for k, ls in values.items() if any(a[n] for a in ls)}
        if part.impressions or part.spend or part.clicks or part.actions:
            out.append((index, dim_values, part))
    return out
