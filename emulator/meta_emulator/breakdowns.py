"""Insights breakdowns: each (ad, day) cell is split over dimension values with integer
counters allocated by largest remainder, so the split rows always add up to the unsplit row."""

from __future__ import annotations

import itertools
from functools import lru_cache

from meta_emulator.entities import Ad
from meta_emulator.hourly import HOURLY, HOURS
from meta_emulator.metrics import Cell
from meta_emulator.rand import uniforms
from meta_emulator.world import COUNTRIES

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "publisher_platform": ("facebook", "instagram", "audience_network", "messenger"),
    "age": ("18-24", "25-34", "35-44", "45-54", "55-64", "65+"),
    "gender": ("female", "male", "unknown"),
    "device_platform": ("mobile_app", "mobile_web", "desktop"),
    "country": COUNTRIES,
    HOURLY: HOURS,  # split by meta_emulator.hourly, never combined with another dimension
}


def combos(dims: tuple[str, ...]) -> int:
    """Size of the index space of value combinations (1 without breakdowns)."""
    size = 1
    for dim in dims:
        size *= len(DIMENSIONS[dim])
    return size


@lru_cache(maxsize=65_536)
def _weights(seed: int, key: int, dim: str, allowed: tuple[str, ...]) -> tuple[float, ...]:
    u = uniforms(seed, key, "breakdown", dim)
    raw = [(0.2 + u[i]) ** 2 if v in allowed else 0.0 for i, v in enumerate(DIMENSIONS[dim])]
    total = sum(raw)
    return tuple(w / total for w in raw)


@lru_cache(maxsize=4096)
def _table(
    seed: int, key: int, dims: tuple[str, ...], countries: tuple[str, ...]
) -> list[tuple[int, dict[str, str], float]]:
    """(combination index, values, weight) for one ad, zero weights dropped."""
    per_dim = []
    for dim in dims:
        allowed = countries if dim == "country" else DIMENSIONS[dim]
        per_dim.append(
            list(enumerate(zip(DIMENSIONS[dim], _weights(seed, key, dim, allowed), strict=True)))
        )
    out = []
    for choice in itertools.product(*per_dim):
        index, weight, values = 0, 1.0, {}
        for dim, (i, (value, w)) in zip(dims, choice, strict=True):
            index = index * len(DIMENSIONS[dim]) + i
            weight *= w
            values[dim] = value
        if weight > 0:
            out.append((index, values, weight))
    return out


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
