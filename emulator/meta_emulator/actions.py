"""Action lists (``actions``, ``action_values``, ``unique_actions``, ``cost_per_*``) and their
action breakdowns, as Meta prints them.

Without action breakdowns an item is ``{"action_type", "value", <window>: ...}``. With
``action_device`` or ``action_reaction`` an action type's counts are split over the values by
largest remainder (each window on its own), so the items of one type add up exactly to the
unsplit item. ``action_target_id`` / ``action_destination`` name the Facebook page of the ad's
creative (the target and its name). Meta's rules for off-Meta actions are kept: web conversions
(``offsite_conversion.*``, ``purchase``, ``add_to_cart``) carry no action-breakdown value,
mobile-app actions are not returned with an action breakdown, and no off-Meta action is
returned at all with a ``region`` breakdown (Meta's "type 1" / "type 2" restrictions).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from meta_emulator.breakdowns import allocate
from meta_emulator.metrics import WINDOW_KEYS
from meta_emulator.rand import uniforms

Item = dict[str, str]
DEVICES = ("desktop", "iphone", "ipad", "android_smartphone", "android_tablet", "other")
REACTIONS = ("like", "love", "haha", "wow", "sorry", "anger")
WEB = frozenset({"purchase", "add_to_cart"})
MOBILE = frozenset({"mobile_app_install"})
SPLITS = {"action_device": DEVICES, "action_reaction": REACTIONS}
_INDEX = {w: i for i, w in enumerate(WINDOW_KEYS)}


def off_meta(action: str) -> bool:
    return action in WEB or action in MOBILE or action.startswith("offsite_conversion.")


def visible_types(
    table: dict[str, list[int]], breakdowns: tuple[str, ...], action_breakdowns: tuple[str, ...]
) -> list[str]:
    """The action types a row prints under Meta's off-Meta restrictions."""
    names = sorted(table)
    if "region" in breakdowns:
        names = [n for n in names if not off_meta(n)]
    if set(action_breakdowns) - {"action_type"}:
        names = [n for n in names if n not in MOBILE]
    return names


@lru_cache(maxsize=65_536)
def _weights(seed: int, key: str, name: str, size: int) -> tuple[float, ...]:
    u = uniforms(seed, key, "action-breakdown", name)
    raw = [(0.15 + u[i]) ** 2 for i in range(size)]
    total = sum(raw)
    return tuple(w / total for w in raw)


def _split_values(
    seed: int, key: str, action: str, counts: list[int], action_breakdowns: tuple[str, ...]
) -> list[tuple[dict[str, str], list[int]]]:
    """(breakdown values, counts) parts of one action type; unsplit when nothing applies."""
    parts: list[tuple[dict[str, str], list[int]]] = [({}, counts)]
    web = off_meta(action)
    for name in ("action_device", "action_reaction"):
        if name not in action_breakdowns or web:
            continue
        if name == "action_reaction" and action != "post_reaction":
            continue
        values = SPLITS[name]
        weights = list(_weights(seed, key, f"{name}:{action}", len(values)))
        parts = [
            ({**have, name: value}, [allocate(c, weights)[i] for c in part])
            for have, part in parts
            for i, value in enumerate(values)
        ]
    return [(v, c) for v, c in parts if any(c)]


def action_parts(table: dict[str, list[int]], ctx: ActionContext) -> list[tuple[Item, list[int]]]:
    """(item without value, counts) for every printed item of one action list, in order."""
    if ctx.plain:
        return [({"action_type": name}, table[name]) for name in sorted(table)]
    out: list[tuple[Item, list[int]]] = []
    for name in visible_types(table, ctx.breakdowns, ctx.action_breakdowns):
        for values, counts in _split_values(
            ctx.seed, ctx.key, name, table[name], ctx.action_breakdowns
        ):
            item: Item = {"action_type": name}
            if not off_meta(name):
                for target in ("action_target_id", "action_destination"):
                    if target in ctx.action_breakdowns:
                        item[target] = ctx.page_id
            item.update(values)
            out.append((item, counts))
    return out


def action_items(
    table: dict[str, list[int]], ctx: ActionContext, fmt: Callable[[int], str]
) -> list[Item]:
    """The items of one action list: type, breakdown values, value, then the windows asked."""
    out: list[Item] = []
    windows = [(w, _INDEX[w]) for w in ctx.windows if w in _INDEX]
    for base, counts in action_parts(table, ctx):
        base["value"] = fmt(counts[0])
        for w, idx in windows:
            if idx < len(counts):
                base[w] = fmt(counts[idx])
        out.append(base)
    return out


class ActionContext:
    """What an action list needs besides its counts: the query's breakdowns and windows, a
    hash key for splits (the row's group), the page the ad's creative belongs to."""

    __slots__ = ("action_breakdowns", "breakdowns", "key", "page_id", "plain", "seed", "windows")

    def __init__(
        self,
        seed: int,
        key: str,
        page_id: str,
        windows: tuple[str, ...],
        breakdowns: tuple[str, ...],
        action_breakdowns: tuple[str, ...],
    ) -> None:
        self.seed, self.key, self.page_id, self.windows = seed, key, page_id, windows
        self.breakdowns, self.action_breakdowns = breakdowns, action_breakdowns
        # nothing to split or hide: the common case, served without per-item work
        self.plain = set(action_breakdowns) <= {"action_type"} and "region" not in breakdowns
