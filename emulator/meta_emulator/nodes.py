"""Object nodes and entity edges: fields as Meta prints them, as of the emulator clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from meta_emulator import catalog
from meta_emulator.clock import meta_time
from meta_emulator.entities import Ad, AdSet, Campaign, Creative, issues_info
from meta_emulator.errors import invalid
from meta_emulator.filters import Rule, matches, parse_rules
from meta_emulator.objectfields import ad_extras, adset_extras, campaign_extras, creative_extras
from meta_emulator.params import list_param
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
    out.update(campaign_extras(aw, c, budget))
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
    out.update(adset_extras(aw, s))
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
    adset = aw.adsets[ad.adset_id]
    targeting = {"geo_locations": {"countries": list(adset.countries)}, "age_min": 18,
                 "age_max": 65}  # fmt: skip
    out.update(ad_extras(aw, ad, targeting))
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
        **creative_extras(aw, cr),
    }


KNOWN: dict[str, frozenset[str]] = {
    "campaign": catalog.CAMPAIGN,
    "adset": catalog.ADSET,
    "ad": catalog.AD,
    "creative": catalog.CREATIVE,
    "account": catalog.ACCOUNT,
}


def render(kind: str, values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The requested fields. A documented field without a value is left out (as Meta does);
    a name that is no field of the node is Meta's code 100."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in values:
            out[name] = values[name]
        elif name not in KNOWN[kind]:
            raise invalid(
                f"Tried accessing nonexisting field ({name}) on node type ({KIND_NAMES[kind]})"
            )
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


EDGE_FILTER_FIELDS = frozenset(
    {"id", "name", "effective_status", "configured_status", "objective", "campaign_id",
     "adset_id", "created_time", "updated_time"}
)  # fmt: skip


def edge_filter(aw: AccountWorld, objs: list[Node], params: dict[str, str], t: float) -> list[Node]:
    """Visible objects passing `filtering` / `effective_status`; archived only when asked for,
    deleted never (Meta returns deleted objects only by id)."""
    rules = edge_rules(params)
    wanted = next((r for r in rules if r.field == "effective_status" and r.operator == "IN"), None)
    out = []
    for obj in objs:
        if not visible(obj, t):
            continue
        eff = effective(aw, obj, t)
        if eff == "DELETED" or (
            eff == "ARCHIVED" and (wanted is None or "ARCHIVED" not in wanted.values())
        ):
            continue
        if all(_passes(aw, obj, eff, r, t) for r in rules):
            out.append(obj)
    return sorted(out, key=lambda o: o.id, reverse=True)


def edge_rules(params: dict[str, str]) -> list[Rule]:
    """``filtering`` (fields with or without their ``campaign.`` prefix) and
    ``effective_status`` (a comma list or a JSON array) as rules."""
    rules = [
        Rule(r.field.split(".")[-1], r.operator, r.value)
        for r in (parse_rules(params["filtering"]) if "filtering" in params else ())
    ]
    statuses = list_param(params, "effective_status")
    if statuses is not None:
        rules.append(Rule("effective_status", "IN", statuses))
    for r in rules:
        if r.field not in EDGE_FILTER_FIELDS:
            raise invalid(f"Filtering field {r.field} is invalid")
    return rules


def _passes(aw: AccountWorld, obj: Node, eff: str, r: Rule, t: float) -> bool:
    if r.field in ("updated_time", "created_time"):
        moment = updated(obj, t) if r.field == "updated_time" else obj.created
        return matches(int(moment), r, timed=True)
    actual: Any = {
        "effective_status": eff,
        "configured_status": status(obj, t),
        "id": obj.id,
        "name": obj.name,
    }.get(r.field)
    if actual is None:
        actual = getattr(obj, r.field, "")
    return matches(actual, r)
