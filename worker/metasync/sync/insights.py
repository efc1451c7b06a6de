"""Insights chunks: ONE account-level query per chunk (``level=ad``, ``time_increment=1``).

The range is the chunk's, clamped to the account's "today" and to the history Meta serves
(``sync_planner_settings.history_limit_months``, both read from the database:
:func:`metasync.db.insights.insights_window`). Deleted and
archived ads are included through the ``ad.effective_status`` filter; a split chunk adds a
``campaign.id`` filter. Small chunks (estimated ad-days below ``insights_async_min_rows``) are a
paged GET, larger ones an async report run. Objects the rows name that the database does not
know (deleted before the structure sync, or created since) are read by id and stored too, an
ad's ad set and campaign riding on the ad's read, so every row's campaign objective is known
when conversions are derived (:mod:`.mapping`). Phase 1's first chunk (the newest day) does
not wait for its job's structure chunk: its rows are written as soon as they are read, and the
objects they name are stored once that listing has ended (it says which are deleted).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from metasync.db import entities
from metasync.db.breakdowns import BreakdownSet, breakdown_set
from metasync.db.insights import InsightsWindow
from metasync.db.queue import complete_sync_chunk
from metasync.db.structure import structure_chunk_open, structure_listing_is_current
from metasync.db.writers import upsert_rows
from metasync.graph import PollPolicy, ReportRunFailedError, run_report
from metasync.graph.fields import INSIGHTS_FIELDS
from metasync.sync.context import ChunkContext
from metasync.sync.datasets import (
    DAILY,
    HOURLY_QUERY,
    DatasetQuery,
    breakdown_query,
    map_breakdown_rows,
)
from metasync.sync.hourly import write_hourly_chunk
from metasync.sync.mapping import map_ad, map_adset, map_campaign, map_creative, map_insights
from metasync.sync.structure import list_structure, read_by_ids, read_unlisted

LISTING_WAIT_STEP_SECONDS = 0.05

AD_STATUSES = (
    "ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES", "CAMPAIGN_PAUSED",
    "ADSET_PAUSED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO",
)  # fmt: skip


@dataclass(frozen=True)
class InsightsPlan:
    since: date
    until: date
    campaign_ids: tuple[str, ...] | None

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1


def plan_range(
    since: date,
    until: date,
    window: InsightsWindow,
    campaign_ids: tuple[str, ...] | None,
    margin: int = 1,
) -> InsightsPlan | None:
    """The range actually asked: never past today, never before the window's earliest day
    (+ a margin of days). ``None`` when nothing of the chunk is askable."""
    first = window.earliest + timedelta(days=margin)
    since, until = max(since, first), min(until, window.today)
    return InsightsPlan(since, until, campaign_ids) if since <= until else None


def query_params(plan: InsightsPlan, limit: int, dataset: DatasetQuery = DAILY) -> dict[str, Any]:
    filtering: list[dict[str, Any]] = [
        {"field": "ad.effective_status", "operator": "IN", "value": list(AD_STATUSES)}
    ]
    if plan.campaign_ids:
        filtering.append(
            {"field": "campaign.id", "operator": "IN", "value": list(plan.campaign_ids)}
        )
    params: dict[str, Any] = {
        "level": "ad",
        "time_increment": 1,
        "time_range": {"since": plan.since.isoformat(), "until": plan.until.isoformat()},
        "fields": [*INSIGHTS_FIELDS, "objective"],
        "filtering": filtering,
        "limit": limit,
    }
    params["fields"] = [f for f in params["fields"] if f not in dataset.dropped]
    return params | dict(dataset.extra)


def use_async(plan: InsightsPlan, ads: int, threshold: int) -> bool:
    """Estimated rows = ads x days (every ad may deliver every day)."""
    return ads * plan.days >= threshold


async def count_ads(ctx: ChunkContext, campaign_ids: tuple[str, ...] | None) -> int:
    async with ctx.pool.connection() as conn:
        return await entities.count_ads(conn, ctx.account_id, campaign_ids)


async def fetch_rows(
    ctx: ChunkContext, plan: InsightsPlan, dataset: DatasetQuery = DAILY
) -> list[dict[str, Any]]:
    settings, path = ctx.settings, f"{ctx.account_id}/insights"
    params = query_params(plan, settings.insights_page_size, dataset)
    ads = await count_ads(ctx, plan.campaign_ids) * dataset.rows_per_ad_day
    if not use_async(plan, ads, settings.insights_async_min_rows):
        return await ctx.graph.get_all(path, params, account_id=ctx.account_id)
    policy = PollPolicy(interval_seconds=settings.report_poll_seconds)
    try:
        return await run_report(ctx.graph, ctx.account_id, params, policy=policy)
    except ReportRunFailedError:
        # Runs also fail for reasons Meta does not give: read plainly once; if that is too
        # much data (TooMuchDataError), the chunk is split.
        return await ctx.graph.get_all(path, params, account_id=ctx.account_id)


async def objectives(ctx: ChunkContext) -> dict[str, str | None]:
    async with ctx.pool.connection() as conn:
        return await entities.campaign_objectives(conn, ctx.account_id)


async def unknown_ids(ctx: ChunkContext, table: str, ids: set[str]) -> set[str]:
    async with ctx.pool.connection() as conn:
        return ids - await entities.stored_ids(conn, table, ids)


def named_objects(
    raws: list[dict[str, Any]], wanted: dict[str, set[str]]
) -> dict[str, list[dict[str, Any]]]:
    """The wanted campaigns, ad sets and ads as the insights rows describe them. Objects no
    listing shows are DELETED (every other status is listed); the rows carry their names,
    parents and the campaign's objective."""
    deleted = {"status": "DELETED", "effective_status": "DELETED"}
    found: dict[str, dict[str, dict[str, Any]]] = {"campaigns": {}, "adsets": {}, "ads": {}}
    for r in raws:
        campaign, adset, ad = (str(r.get(k) or "") for k in ("campaign_id", "adset_id", "ad_id"))
        if campaign in wanted["campaigns"]:
            found["campaigns"][campaign] = {"id": campaign, "name": r.get("campaign_name"),
                                            "objective": r.get("objective"), **deleted}  # fmt: skip
        if adset in wanted["adsets"]:
            found["adsets"][adset] = {"id": adset, "name": r.get("adset_name"),
                                      "campaign_id": campaign or None, **deleted}  # fmt: skip
        if ad in wanted["ads"]:
            found["ads"][ad] = {"id": ad, "name": r.get("ad_name"), "adset_id": adset or None,
                                "campaign_id": campaign or None, **deleted}  # fmt: skip
    return {edge: list(objects.values()) for edge, objects in found.items()}


async def unknown_objects(ctx: ChunkContext, raws: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Per edge, the ids the rows name that the database does not hold (no Graph call)."""
    return {
        edge: await unknown_ids(ctx, table, {str(r[key]) for r in raws if r.get(key)})
        for key, table, edge in (
            ("campaign_id", "meta_campaigns", "campaigns"),
            ("adset_id", "meta_adsets", "adsets"),
            ("ad_id", "meta_ads", "ads"),
        )
    }


async def missing_objects(
    ctx: ChunkContext, raws: list[dict[str, Any]], wanted: dict[str, set[str]] | None = None
) -> list[Any]:
    """Entity rows for the campaigns, ad sets, ads (and their creatives) the rows name that the
    database does not hold yet (``wanted``: :func:`unknown_objects`): from the rows themselves,
    or read by id (parents riding on their children's reads: :func:`read_unlisted`), as
    ``unlisted_objects`` says."""
    act = ctx.account_id
    if wanted is None:
        wanted = await unknown_objects(ctx, raws)
    if ctx.settings.unlisted_objects == "from_insights":
        named = named_objects(raws, wanted)
        return [
            [map_campaign(o, act) for o in named["campaigns"]],
            [map_adset(o, act) for o in named["adsets"]],
            [map_ad(o, act) for o in named["ads"]],
        ]
    found = await read_unlisted(ctx, wanted)
    creatives = {
        str(o["creative"]["id"]) for o in found["ads"] if isinstance(o.get("creative"), dict)
    }
    new = await unknown_ids(ctx, "meta_ad_creatives", creatives)
    return [
        [map_campaign(o, act) for o in found["campaigns"]],
        [map_adset(o, act) for o in found["adsets"]],
        [map_ad(o, act) for o in found["ads"]],
        [map_creative(o, act) for o in await read_by_ids(ctx, new, "adcreatives")],
    ]


async def listing_is_current(ctx: ChunkContext) -> bool:
    async with ctx.pool.connection() as conn:
        return await structure_listing_is_current(conn, ctx.account_id, ctx.clock.db_now())


async def store_missing_objects(
    ctx: ChunkContext,
    raws: list[dict[str, Any]],
    before_waiting: Callable[[], Awaitable[int]] | None = None,
) -> int:
    """Read and store (committed at once: idempotent) the objects the rows name that the
    database lacks. A chunk read beside its job's structure chunk (phase 1's first) waits for
    that listing first, ``before_waiting`` writing its rows meanwhile (what it wrote is
    returned). Taking an object no listing shows as deleted needs a current listing: when the
    last one is older, the structure is listed first (a new ad, not a deleted one). One chunk
    of an account at a time in this worker, so chunks running side by side do not read the
    same objects again."""
    early = 0
    async with ctx.entity_lock:
        wanted = await unknown_objects(ctx, raws)
        if any(wanted.values()) and await listing_in_progress(ctx):
            early = await before_waiting() if before_waiting else 0
            await wait_for_listing(ctx)
            wanted = await unknown_objects(ctx, raws)
        groups = await missing_objects(ctx, raws, wanted)
        from_rows = ctx.settings.unlisted_objects == "from_insights"
        if any(groups) and from_rows and not await listing_is_current(ctx):
            await list_structure(ctx)
            groups = await missing_objects(ctx, raws)
        if any(groups):
            async with ctx.pool.connection() as conn, conn.transaction():
                for group in groups:
                    await upsert_rows(conn, group, ctx.clock.db_now())
    return early


async def listing_in_progress(ctx: ChunkContext) -> bool:
    async with ctx.pool.connection() as conn:
        return await structure_chunk_open(conn, ctx.chunk.job_id)


async def wait_for_listing(ctx: ChunkContext) -> None:
    """Until the job's structure chunk has ended, at most a lease long (then the objects are
    listed here if they must be: :func:`store_missing_objects`)."""
    waited = 0.0
    while waited < ctx.settings.lease_seconds and await listing_in_progress(ctx):
        await ctx.clock.sleep(LISTING_WAIT_STEP_SECONDS)
        waited += LISTING_WAIT_STEP_SECONDS


async def write_before_listing(ctx: ChunkContext, raws: list[dict[str, Any]]) -> int:
    """Daily rows read beside the structure listing, written at once (readable now; the chunk
    completes later): conversions from each row's own objective."""
    rows = map_insights(raws, ctx.account_id, ctx.chunk.currency, {})
    async with ctx.pool.connection() as conn, conn.transaction():
        return await upsert_rows(conn, rows, ctx.clock.db_now())


async def _breakdown_set(ctx: ChunkContext, dataset: str) -> BreakdownSet | None:
    if not dataset.startswith("breakdown:"):
        return None
    async with ctx.pool.connection() as conn:
        return await breakdown_set(conn, int(dataset.removeprefix("breakdown:")))


async def run_insights_chunk(
    ctx: ChunkContext, plan: InsightsPlan | None, dataset: str = "daily"
) -> int:
    """Fetch the chunk's rows, write them and complete the chunk in one transaction (rows read
    beside the structure listing are written first, on their own: :func:`write_before_listing`)."""
    bset = await _breakdown_set(ctx, dataset)
    query = HOURLY_QUERY if dataset == "hourly" else breakdown_query(bset) if bset else DAILY
    raws = await fetch_rows(ctx, plan, query) if plan is not None else []
    early = 0
    if raws and ctx.settings.unlisted_objects != "skip":
        write_early = partial(write_before_listing, ctx, raws) if dataset == "daily" else None
        early = await store_missing_objects(ctx, raws, write_early)
    if dataset == "hourly":
        return await write_hourly_chunk(ctx, raws, await objectives(ctx))
    if bset is None:
        rows = map_insights(raws, ctx.account_id, ctx.chunk.currency, await objectives(ctx))
    else:
        rows = map_breakdown_rows(raws, bset, ctx.account_id, ctx.chunk.currency,
                                  await objectives(ctx))  # fmt: skip
    now = ctx.clock.db_now()
    async with ctx.pool.connection() as conn, conn.transaction():
        written = await upsert_rows(conn, rows, now)
        await complete_sync_chunk(
            conn, ctx.chunk, rows_written=early + written, api_calls=ctx.counter.calls,
            fresh_through=plan.until if plan and bset is None else None, now=now,
        )  # fmt: skip
    return early + written
