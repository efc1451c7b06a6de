"""Object nodes and entity edges: fields as Meta prints them, as of the emulator clock."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from meta_emulator.clock import meta_time
from meta_emulator.entities import Ad, AdSet, Campaign, Creative, issues_info
from meta_emulator.errors import invalid
from meta_emulator.state import Node, effective, status, updated, visible
from meta_emulator.world import AccountWorld

KIND_NAMES = {
    "campaign": "AdCampaign",
    "adset": "AdSet",
    "ad": "Adgroup",
    "creative": "AdCreative",
    "account": "AdAccount",
}


def when(aw: AccountWorld, t: float) -> str:
    return meta_time(datetime.fromtimestamp(t, aw.tz))


def parse_fields(raw: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """`fields` with nested selections (``creative{id,name}``) reduced to their top-level name."""
    if not raw:
        return default
    out, depth, cur = [], 0, ""
    for ch in raw:
        depth += (ch == "{") - (ch == "}")
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        elif depth == 0 and ch not in "{}":
            cur += ch
    out.append(cur)
    return tuple(f.strip() for f in out if f.strip())


def _common(aw: AccountWorld, obj: Node, t: float) -> dict[str, Any]:
    own = status(obj, t)
    return {
        "id": obj.id,
        "account_id": aw.account.id,
        "name": obj.name,
        "status": own,
        "configured_status": own,
        "effective_status": effective(aw, obj, t),
        "created_time": when(aw, obj.created),
        "updated_time": when(aw, updated(obj, t)),
    }


def campaign_fields(aw: AccountWorld, c: Campaign, t: float) -> dict[str, Any]:
    out = _common(aw, c, t)
    budget = c.budget_minor * (10 + c.timeline.versions_at(t) % 3) // 10
    out.update(
        {
            c.budget_kind: str(budget),
            "objective": c.objective,
            "buying_type": "AUCTION",
            "special_ad_categories": [],
            "start_time": when(aw, c.created),
            "issues_info": [],
        }
    )
    return out


def adset_fields(aw: AccountWorld, s: AdSet, t: float) -> dict[str, Any]:
    out = _common(aw, s, t)
    targeting = {"geo_locations": {"countries": list(s.countries)}, "age_min": 18, "age_max": 65}
    out.update(
        {
            "campaign_id": s.campaign_id,
            "targeting": targeting,
            "billing_event": "IMPRESSIONS",
            "optimization_goal": "OFFSITE_CONVERSIONS",
            "issues_info": issues_info(s.issue, out["effective_status"]),
            "start_time": when(aw, s.created),
        }
    )
    return out


def ad_fields(aw: AccountWorld, ad: Ad, t: float) -> dict[str, Any]:
    out = _common(aw, ad, t)
    issues = issues_info(ad.issue, out["effective_status"])
    out.update(
        {
            "campaign_id": ad.campaign_id,
            "adset_id": ad.adset_id,
            "creative": {"id": ad.creative_id},
            "issues_info": issues,
        }
    )
    return out


def creative_fields(aw: AccountWorld, cr: Creative, t: float) -> dict[str, Any]:
    return {
        "id": cr.id,
        "account_id": aw.account.id,
        "name": cr.name,
        "title": cr.title,
        "body": f"{cr.title}: try it today.",
        "object_type": "SHARE",
        "effective_object_story_id": cr.story_id,
        "status": "ACTIVE",
        "thumbnail_url": f"https://example.invalid/thumb/{cr.id}.jpg",
    }


OPTIONAL = {
    "campaign": {"daily_budget", "lifetime_budget", "stop_time", "bid_strategy"},
    "adset": {"daily_budget", "lifetime_budget", "end_time", "bid_amount"},
    "ad": {"tracking_specs", "bid_amount"},
    "creative": {"image_url", "video_id"},
    "account": {"amount_spent", "spend_cap"},
}


def render(kind: str, values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The requested fields; known fields without a value are omitted (as Meta does)."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in OPTIONAL.get(kind, ()) and name not in values:
            continue
        if name not in values:
            raise invalid(
                f"Tried accessing nonexisting field ({name}) on node type ({KIND_NAMES[kind]})"
            )
        out[name] = values[name]
    if "id" in values and "id" not in out:
        out["id"] = values["id"]
    return out


def object_values(aw: AccountWorld, kind: str, object_id: str, t: float) -> dict[str, Any]:
    if kind == "campaign":
        return campaign_fields(aw, aw.campaigns[object_id], t)
    if kind == "adset":
        return adset_fields(aw, aw.adsets[object_id], t)
    if kind == "ad":
        return ad_fields(aw, aw.ads[object_id], t)
    return creative_fields(aw, aw.creatives[object_id], t)


OBJECT_FIELDS: dict[str, frozenset[str]] = {
    "ad": frozenset({"adset", "campaign"}),
    "adset": frozenset({"campaign"}),
}


def references(aw: AccountWorld, kind: str, object_id: str) -> dict[str, str]:
    """The ids of the nodes an object's object fields point to (``{"adset": <id>, ...}``)."""
    names = OBJECT_FIELDS.get(kind, frozenset())
    if not names:
        return {}
    obj = aw.ads[object_id] if kind == "ad" else aw.adsets[object_id]
    return {name: getattr(obj, f"{name}_id") for name in sorted(names)}


def edge_objects(aw: AccountWorld, edge: str, parent_kind: str, parent_id: str) -> list[Node]:
    sources: dict[str, dict[str, Any]] = {
        "campaigns": aw.campaigns,
        "adsets": aw.adsets,
        "ads": aw.ads,
    }
    source = sources[edge]
    if parent_kind == "account":
        return list(source.values())
    attr = f"{parent_kind}_id"
    return [o for o in source.values() if getattr(o, attr, None) == parent_id]


def edge_filter(aw: AccountWorld, objs: list[Node], params: dict[str, str], t: float) -> list[Node]:
    """Visible objects passing `filtering` / `effective_status`; archived only when asked for,
    deleted never (Meta returns deleted objects only by id)."""
    rules = _rules(params)
    wanted = next((v for f, op, v in rules if f == "effective_status" and op == "IN"), None)
    out = []
    for obj in objs:
        if not visible(obj, t):
            continue
        eff = effective(aw, obj, t)
        if eff == "DELETED" or (eff == "ARCHIVED" and (wanted is None or "ARCHIVED" not in wanted)):
            continue
        if all(_passes(aw, obj, eff, rule, t) for rule in rules):
            out.append(obj)
    return sorted(out, key=lambda o: o.id, reverse=True)


def _rules(params: dict[str, str]) -> list[tuple[str, str, Any]]:
    rules: list[tuple[str, str, Any]] = []
    try:
        raw = json.loads(params["filtering"]) if "filtering" in params else []
        if "effective_status" in params:
            raw.append(
                {
                    "field": "effective_status",
                    "operator": "IN",
                    "value": json.loads(params["effective_status"]),
                }
            )
        for item in raw:
            rules.append(
                (str(item["field"]).split(".")[-1], str(item["operator"]).upper(), item["value"])
            )
    except (ValueError, KeyError, TypeError):
        raise invalid("Param filtering must be an array of {field, operator, value}") from None
    for field, op, _ in rules:
        if field not in ("updated_time", "effective_status", "id", "created_time"):
            raise invalid(f"Filtering field {field} is invalid")
        if op not in (
            "IN",
            "NOT_IN",
            "EQUAL",
            "GREATER_THAN",
            "LESS_THAN",
            "GREATER_THAN_OR_EQUAL",
            "LESS_THAN_OR_EQUAL",
        ):
            raise invalid(f"Filtering operator {op} is not supported")
    return rules


def _passes(aw: AccountWorld, obj: Node, eff: str, rule: tuple[str, str, Any], t: float) -> bool:
    field, op, value = rule
    if field in ("updated_time", "created_time"):
        actual: Any = int(updated(obj, t) if field == "updated_time" else obj.created)
        v = int(value)
        return bool(
            {
                "GREATER_THAN": actual > v,
                "LESS_THAN": actual < v,
                "EQUAL": actual == v,
                "GREATER_THAN_OR_EQUAL": actual >= v,
                "LESS_THAN_OR_EQUAL": actual <= v,
            }.get(op, False)
        )
    actual = eff if field == "effective_status" else obj.id
    values = [str(x) for x in value] if isinstance(value, list) else [str(value)]
    return (actual in values) == (op in ("IN", "EQUAL"))
