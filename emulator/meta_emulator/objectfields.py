"""The documented fields of campaigns, ad sets, ads, creatives and ad accounts beyond the core
ones `nodes` computes: plausible, deterministic values consistent with the world (an ad set's
budget fields follow its campaign's budget kind, a creative's ``object_story_id`` is its
``<page>_<post>``, ``budget_remaining`` never exceeds the budget). A documented field with no
value here is left out of the answer, as Meta leaves out fields that have no value (write-only
parameters such as ``execution_options`` included)."""

from __future__ import annotations

from typing import Any

from meta_emulator.entities import Ad, AdSet, Campaign, Creative
from meta_emulator.rand import unit
from meta_emulator.world import AccountWorld, page_id

ATTRIBUTION_SPEC = [
    {"event_type": "CLICK_THROUGH", "window_days": 7},
    {"event_type": "VIEW_THROUGH", "window_days": 1},
]


def pixel_id(aw: AccountWorld) -> str:
    return f"7{aw.account.id[-9:]}"


def _remaining(budget_minor: int, key: str) -> str:
    """Budget left today (daily) or over the lifetime: a share of the budget, never more."""
    return str(int(budget_minor * (0.2 + 0.8 * unit(key, "budget_remaining"))))


def campaign_extras(aw: AccountWorld, c: Campaign, budget: int) -> dict[str, Any]:
    return {
        "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
        "budget_remaining": _remaining(budget, c.id),
        "budget_rebalance_flag": False,
        "can_create_brand_lift_study": False,
        "can_use_spend_cap": True,
        "has_secondary_skadnetwork_reporting": False,
        "is_adset_budget_sharing_enabled": False,
        "is_budget_schedule_enabled": False,
        "is_direct_send_campaign": False,
        "is_message_campaign": False,
        "is_skadnetwork_attribution": False,
        "pacing_type": ["standard"],
        "primary_attribution": "",
        "smart_promotion_type": "GUIDED_CREATION",
        "source_campaign_id": "0",
        "special_ad_category": "NONE",
        "special_ad_category_country": [],
        "topline_id": "0",
    }


def adset_extras(aw: AccountWorld, s: AdSet) -> dict[str, Any]:
    """Budgets live on the campaign (campaign budget optimisation), so the ad set has none."""
    return {
        "attribution_spec": ATTRIBUTION_SPEC,
        "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
        "budget_remaining": "0",
        "destination_type": "WEBSITE",
        "is_budget_schedule_enabled": False,
        "is_dynamic_creative": False,
        "is_incremental_attribution_enabled": False,
        "lifetime_imps": 0,
        "multi_optimization_goal_weight": "UNDEFINED",
        "pacing_type": ["standard"],
        "promoted_object": {"pixel_id": pixel_id(aw), "custom_event_type": "PURCHASE"},
        "recurring_budget_semantics": False,
        "source_adset_id": "0",
        "use_new_app_click": False,
    }


def ad_extras(aw: AccountWorld, ad: Ad, targeting: dict[str, Any]) -> dict[str, Any]:
    specs = [{"action.type": ["offsite_conversion"], "fb_pixel": [pixel_id(aw)]}]
    return {
        "bid_type": "ABSOLUTE_OCPM",
        "conversion_domain": "example.com",
        "conversion_specs": specs,
        "engagement_audience": False,
        "preview_shareable_link": f"https://fb.me/adspreview/{ad.id}",
        "source_ad_id": "0",
        "targeting": targeting,
        "tracking_specs": specs,
    }


def creative_extras(aw: AccountWorld, cr: Creative) -> dict[str, Any]:
    link = f"https://example.com/p/{cr.id}"
    image_hash = f"{int(unit(cr.id, 'image') * 2**128):032x}"
    return {
        "actor_id": cr.page_id,
        "authorization_category": "NONE",
        "call_to_action_type": "LEARN_MORE",
        "effective_authorization_category": "NONE",
        "image_hash": image_hash,
        "image_url": f"https://example.invalid/image/{image_hash}.jpg",
        "link_url": link,
        "object_story_id": cr.story_id,
        "object_story_spec": {
            "page_id": cr.page_id,
            "link_data": {
                "link": link,
                "message": f"{cr.title}: try it today.",
                "image_hash": image_hash,
                "call_to_action": {"type": "LEARN_MORE", "value": {"link": link}},
            },
        },
        "url_tags": "utm_source=facebook&utm_medium=paid",
        "use_page_actor_override": False,
    }


def account_extras(aw: AccountWorld, business_name: str, age_days: float) -> dict[str, Any]:
    minor = 10**aw.account.minor_digits
    return {
        "age": round(age_days, 6),
        "attribution_spec": ATTRIBUTION_SPEC,
        "balance": "0",
        "brand_safety_content_filter_levels": ["FACEBOOK_STANDARD", "AN_STANDARD"],
        "business_name": business_name,
        "can_create_brand_lift_study": False,
        "capabilities": [],
        "end_advertiser": aw.account.business_id,
        "end_advertiser_name": business_name,
        "existing_customers": [],
        "fb_entity": 85,
        "has_migrated_permissions": True,
        "is_attribution_spec_system_default": True,
        "is_direct_deals_enabled": False,
        "is_in_3ds_authorization_enabled_market": False,
        "is_notifications_enabled": True,
        "is_personal": 0,
        "is_prepay_account": False,
        "is_tax_id_required": False,
        "min_campaign_group_spend_cap": str(100 * minor),
        "min_daily_budget": minor,
        "offsite_pixels_tos_accepted": True,
        "owner": aw.account.business_id,
        "spend_cap": "0",
        "tax_id_status": 0,
        "user_tasks": ["DRAFT", "ANALYZE", "ADVERTISE", "MANAGE"],
    }


__all__ = ["account_extras", "ad_extras", "adset_extras", "campaign_extras", "creative_extras",
           "page_id"]  # fmt: skip
