"""Meta JSON -> typed rows for the entity tables and ``meta_insights_daily``. Pure.

Conversions and revenue are derived in Python from ``actions`` / ``action_values`` and the
objective of the row's campaign: the insights query asks for ``objective`` itself, and a
campaign -> objective map loaded per chunk from ``meta_campaigns`` (the structure chunk of a job
runs before its insights chunks) covers rows without it. For each
objective ONE action type counts: the first of its list that the row carries. The lists only hold
names of the same event in different scopes, so a purchase reported as ``omni_purchase``,
``purchase`` and ``offsite_conversion.fb_pixel_purchase`` at once is counted once:

==========================  ===============================================================
objective                   counted action type (first present wins)
==========================  ===============================================================
OUTCOME_SALES, CONVERSIONS  omni_purchase, purchase, offsite_conversion.fb_pixel_purchase
OUTCOME_LEADS, LEAD_GEN     lead, onsite_conversion.lead_grouped, offsite_conversion.fb_pixel_lead
OUTCOME_TRAFFIC, LINK_CL..  landing_page_view (link clicks are the link_clicks column)
OUTCOME_APP_PROMOTION, ..   omni_app_install, mobile_app_install, app_install
OUTCOME_AWARENESS,          none: conversions and revenue are 0 (their "result" is reach /
OUTCOME_ENGAGEMENT, other   impressions, already columns of their own)
==========================  ===============================================================

Revenue is the ``action_values`` entry of the same action type (0 when absent). Values are
the default attribution (``value``); per-window values stay in the raw ``actions`` jsonb.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from metasync.graph.errors import UnexpectedResponseError
from metasync.graph.models import Ad, AdSet, Campaign, Creative, InsightRow, parse

_SALES = ("omni_purchase", "purchase", "offsite_conversion.fb_pixel_purchase")
_LEADS = ("lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead")
_TRAFFIC = ("landing_page_view",)  # link clicks have their own column
_APP = ("omni_app_install", "mobile_app_install", "app_install")
CONVERSION_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "OUTCOME_SALES": _SALES,
    "CONVERSIONS": _SALES,
    "PRODUCT_CATALOG_SALES": _SALES,
    "OUTCOME_LEADS": _LEADS,
    "LEAD_GENERATION": _LEADS,
    "OUTCOME_TRAFFIC": _TRAFFIC,
    "LINK_CLICKS": _TRAFFIC,
    "OUTCOME_APP_PROMOTION": _APP,
    "APP_INSTALLS": _APP,
}
LINK_CLICK = "link_click"
_DATETIME = TypeAdapter(datetime)


@dataclass(frozen=True)
class CampaignRow:
    id: str
    account_id: str
    name: str | None
    status: str | None
    effective_status: str | None
    objective: str | None
    buying_type: str | None
    daily_budget: int | None
    lifetime_budget: int | None
    start_time: datetime | None
    stop_time: datetime | None
    created_time: datetime | None
    updated_time: datetime | None
    issues_info: list[dict[str, Any]] | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class AdSetRow:
    id: str
    account_id: str
    campaign_id: str
    name: str | None
    status: str | None
    effective_status: str | None
    optimization_goal: str | None
    billing_event: str | None
    daily_budget: int | None
    lifetime_budget: int | None
    start_time: datetime | None
    end_time: datetime | None
    targeting: dict[str, Any] | None
    created_time: datetime | None
    updated_time: datetime | None
    issues_info: list[dict[str, Any]] | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class AdRow:
    id: str
    account_id: str
    campaign_id: str
    adset_id: str
    creative_id: str | None
    name: str | None
    status: str | None
    effective_status: str | None
    created_time: datetime | None
    updated_time: datetime | None
    issues_info: list[dict[str, Any]] | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class CreativeRow:
    id: str
    account_id: str
    name: str | None
    title: str | None
    body: str | None
    object_type: str | None
    call_to_action_type: str | None
    thumbnail_url: str | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class InsightDailyRow:
    ad_id: str
    date: date
    account_id: str
    campaign_id: str | None
    adset_id: str | None
    currency: str | None
    impressions: int
    clicks: int
    spend: Decimal
    reach: int | None
    link_clicks: int
    conversions: Decimal
    revenue: Decimal
    actions: list[dict[str, Any]]
    action_values: list[dict[str, Any]]
    attribution_setting: str = "default"
    breakdown_key: str = ""


@dataclass(frozen=True)
class InsightHourlyRow:
    """One ad, day and hour of the account time zone (``meta_insights_hourly``)."""

    ad_id: str
    date: date
    account_id: str
    campaign_id: str | None
    adset_id: str | None
    currency: str | None
    impressions: int
    clicks: int
    spend: Decimal
    link_clicks: int
    conversions: Decimal
    revenue: Decimal
    actions: list[dict[str, Any]]
    action_values: list[dict[str, Any]]
    hour: int


def meta_datetime(value: Any) -> datetime | None:
    """``2023-03-21T22:41:46-0700`` (or ISO with a colon) -> aware datetime; blank -> None."""
    if value is None or value == "":
        return None
    try:
        return _DATETIME.validate_python(value)
    except ValidationError:
        raise UnexpectedResponseError(f"unexpected datetime from Meta: {value!r:.40}") from None


def map_campaign(raw: dict[str, Any], account_id: str) -> CampaignRow:
    c = parse(Campaign, raw)
    return CampaignRow(
        c.id, account_id, c.name, c.status, c.effective_status, c.objective, c.buying_type,
        c.daily_budget, c.lifetime_budget, meta_datetime(raw.get("start_time")),
        meta_datetime(raw.get("stop_time")), c.created_time, c.updated_time, c.issues_info, raw,
    )  # fmt: skip


def map_adset(raw: dict[str, Any], account_id: str) -> AdSetRow:
    s = parse(AdSet, raw)
    return AdSetRow(
        s.id, account_id, s.campaign_id, s.name, s.status, s.effective_status,
        s.optimization_goal, raw.get("billing_event"), s.daily_budget, s.lifetime_budget,
        meta_datetime(raw.get("start_time")), meta_datetime(raw.get("end_time")), s.targeting,
        s.created_time, s.updated_time, s.issues_info, raw,
    )  # fmt: skip


def map_ad(raw: dict[str, Any], account_id: str) -> AdRow:
    a = parse(Ad, raw)
    creative = a.creative.id if a.creative else None
    return AdRow(
        a.id, account_id, a.campaign_id, a.adset_id, creative, a.name, a.status,
        a.effective_status, a.created_time, a.updated_time, a.issues_info, raw,
    )  # fmt: skip


def map_creative(raw: dict[str, Any], account_id: str) -> CreativeRow:
    c = parse(Creative, raw)
    cta = raw.get("call_to_action_type")
    return CreativeRow(
        c.id, account_id, c.name, c.title, c.body, c.object_type,
        cta if isinstance(cta, str) else None, c.thumbnail_url, raw,
    )  # fmt: skip


def conversion_action(row: InsightRow, objective: str | None) -> str | None:
    """The one action type that counts as a conversion for ``objective`` in this row."""
    present = {a.action_type for a in row.actions}
    candidates = CONVERSION_ACTIONS.get(objective or "", ())
    return next((t for t in candidates if t in present), None)


def map_insight(
    raw: dict[str, Any],
    account_id: str,
    currency: str | None,
    objectives: Mapping[str, str | None],
) -> InsightDailyRow:
    """One ad-day. The objective is the row's own (insights ``objective`` field), else
    ``objectives`` (campaign id -> objective); unknown -> no conversions."""
    r = parse(InsightRow, raw, what="insights row")
    if r.ad_id is None:
        raise UnexpectedResponseError("insights row without ad_id (level=ad expected)")
    objective = raw.get("objective") or objectives.get(r.campaign_id or "")
    action = conversion_action(r, objective if isinstance(objective, str) else None)
    links = r.action(LINK_CLICK) if any(a.action_type == LINK_CLICK for a in r.actions) else None
    return InsightDailyRow(
        ad_id=r.ad_id,
        date=r.date_start,
        account_id=account_id,
        campaign_id=r.campaign_id,
        adset_id=r.adset_id,
        currency=r.account_currency or currency,
        impressions=r.impressions,
        clicks=r.clicks,
        spend=r.spend,
        reach=r.reach,
        link_clicks=int(links) if links is not None else (r.inline_link_clicks or 0),
        conversions=r.action(action) if action else Decimal(0),
        revenue=r.action_value(action) if action else Decimal(0),
        actions=_stats(raw.get("actions")),
        action_values=_stats(raw.get("action_values")),
    )


def _stats(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def map_insights(
    raws: Sequence[dict[str, Any]],
    account_id: str,
    currency: str | None,
    objectives: Mapping[str, str | None],
) -> list[InsightDailyRow]:
    """Many ad-days; a later duplicate of the same key replaces the earlier one."""
    rows: dict[tuple[str, date], InsightDailyRow] = {}
    for raw in raws:
        row = map_insight(raw, account_id, currency, objectives)
        rows[(row.ad_id, row.date)] = row
    return list(rows.values())
