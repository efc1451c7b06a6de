"""Objects as of an instant: visibility and (effective) status. Pure functions of (object, t)."""

from __future__ import annotations

from meta_emulator.entities import Ad, AdSet, Campaign, effective_status
from meta_emulator.world import AccountWorld

Node = Campaign | AdSet | Ad


def visible(obj: Node, t: float) -> bool:
    return obj.created <= t


def status(obj: Node, t: float) -> str:
    return obj.timeline.status_at(t) or "DELETED"


def effective(aw: AccountWorld, obj: Node, t: float) -> str:
    """Meta's effective_status of a campaign, ad set or ad at `t`."""
    if isinstance(obj, Campaign):
        return status(obj, t)
    campaign = aw.campaigns[obj.campaign_id]
    if isinstance(obj, AdSet):
        eff = effective_status(status(obj, t), (("campaign", status(campaign, t)),))
        return "WITH_ISSUES" if eff == "ACTIVE" and obj.issue else eff
    adset = aw.adsets[obj.adset_id]
    parents = (("adset", status(adset, t)), ("campaign", status(campaign, t)))
    eff = effective_status(status(obj, t), parents)
    return "WITH_ISSUES" if eff == "ACTIVE" and obj.issue else eff


def updated(obj: Node, t: float) -> float:
    return obj.timeline.updated_at(t) or obj.created
