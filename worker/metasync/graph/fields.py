"""The fields the sync requests, per entity and for insights: only what it stores."""

from __future__ import annotations

_ENTITY = ("id", "name", "status", "effective_status", "created_time", "updated_time")

AD_ACCOUNT_FIELDS = (
    "id",
    "account_id",
    "name",
    "currency",
    "timezone_name",
    "timezone_offset_hours_utc",
    "account_status",
    "created_time",
    "amount_spent",
)
CAMPAIGN_FIELDS = (
    *_ENTITY,
    "account_id",
    "issues_info",
    "objective",
    "buying_type",
    "daily_budget",
    "lifetime_budget",
)
ADSET_FIELDS = (
    *_ENTITY,
    "account_id",
    "issues_info",
    "campaign_id",
    "daily_budget",
    "lifetime_budget",
    "optimization_goal",
    "targeting",
)
AD_FIELDS = (*_ENTITY, "account_id", "issues_info", "campaign_id", "adset_id", "creative{id}")
CREATIVE_FIELDS = (
    "id",
    "name",
    "status",
    "object_type",
    "title",
    "body",
    "thumbnail_url",
    "effective_object_story_id",
)
INSIGHTS_FIELDS = (
    "account_id",
    "campaign_id",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
    "date_start",
    "date_stop",
    "account_currency",
    "impressions",
    "clicks",
    "inline_link_clicks",
    "reach",
    "frequency",
    "spend",
    "actions",
    "action_values",
    "purchase_roas",
)

ENTITY_FIELDS = {
    "campaigns": CAMPAIGN_FIELDS,
    "adsets": ADSET_FIELDS,
    "ads": AD_FIELDS,
    "adcreatives": CREATIVE_FIELDS,
}

# The parents an object's by-id read can carry (Graph object fields, expanded with subfields):
# ``GET /<ad_id>?fields=...,adset{...},campaign{...}`` is one call for the ad and its parents.
PARENT_FIELDS = {
    "ads": {"adset": "adsets", "campaign": "campaigns"},
    "adsets": {"campaign": "campaigns"},
}


def with_parents(edge: str) -> tuple[str, ...]:
    """An edge's stored fields plus each parent's object field expanded with the parent's."""
    parents = PARENT_FIELDS.get(edge, {})
    return (
        *ENTITY_FIELDS[edge],
        *(f"{name}{{{','.join(ENTITY_FIELDS[parent])}}}" for name, parent in parents.items()),
    )
