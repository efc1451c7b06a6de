"""Structure chunks: campaigns, ad sets, ads and creatives of one account.

Full (``updated_since`` NULL, onboarding): each edge listed once with every status we keep
(ARCHIVED must be asked for), large pages, only the stored fields.

Incremental (``updated_since`` set): each edge filtered on ``<level>.updated_time`` (with an
overlap), plus a light listing (``id,effective_status``) because two changes never move an
object's own ``updated_time``: a status cascaded from a paused/archived parent, and deletion
(Meta lists DELETED objects only by id). Objects whose listed status differs from the stored one
are read again by id; known live objects missing from the listing are read by id (they come
back DELETED). Creatives: all of them on a full sync, else the unknown ones the new ads use.

Everything is written in one transaction that also completes the chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from metasync.db.queue import complete_sync_chunk
from metasync.graph import (
    ApiVersionError,
    BadRequestError,
    BatchRequest,
    GraphError,
    execute_batch,
)
from metasync.graph.fields import ENTITY_FIELDS
from metasync.sync.context import ChunkContext
from metasync.sync.mapping import map_ad, map_adset, map_campaign, map_creative
from metasync.sync.writers import Row, upsert_rows

LISTED_STATUSES = (
    "ACTIVE", "PAUSED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES", "CAMPAIGN_PAUSED",
    "ADSET_PAUSED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO",
)  # fmt: skip
EDGES = (("campaigns", "campaign"), ("adsets", "adset"), ("ads", "ad"))
TABLES = {"campaigns": "meta_campaigns", "adsets": "meta_adsets", "ads": "meta_ads"}
UPDATED_OVERLAP = timedelta(hours=1)
log = logging.getLogger("metasync.sync.structure")
# The graph field lists minus two the emulator does not serve yet (reported): ad-set
# issues_info and creative effective_object_story_id (neither is a typed column).
_UNSERVED = {"adsets": "issues_info", "adcreatives": "effective_object_story_id"}
FIELDS = {e: tuple(f for f in fs if f != _UNSERVED.get(e)) for e, fs in ENTITY_FIELDS.items()}


@dataclass
class StructureData:
    raw: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {e: {} for e in (*TABLES, "adcreatives")}
    )

    def add(self, edge: str, objects: Iterable[dict[str, Any]]) -> None:
        for obj in objects:
            self.raw[edge][str(obj["id"])] = obj


def status_filter(level: str) -> dict[str, Any]:
    return {"field": f"{level}.effective_status", "operator": "IN", "value": list(LISTED_STATUSES)}


async def list_edge(
    ctx: ChunkContext, edge: str, fields: Sequence[str], filtering: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"fields": list(fields), "limit": ctx.settings.structure_page_size}
    if filtering:
        params["filtering"] = filtering
    return await ctx.graph.get_all(f"{ctx.account_id}/{edge}", params, account_id=ctx.account_id)


async def read_by_ids(ctx: ChunkContext, ids: Iterable[str], edge: str) -> list[dict[str, Any]]:
    """Objects by id through batch (50 per request). An object Meta no longer knows at all is
    skipped; any other item error is raised."""
    fields = ",".join(FIELDS[edge])
    requests = [
        BatchRequest(ctx.graph.relative_url(i, {"fields": fields}), account_id=ctx.account_id)
        for i in sorted(set(ids))
    ]
    out: list[dict[str, Any]] = []
    for result in await execute_batch(ctx.graph, requests) if requests else []:
        if isinstance(result, BadRequestError) and not isinstance(result, ApiVersionError):
            log.warning("object not readable by id", extra=result.log_fields())
            continue  # purged for good (100/33): nothing left to store
        if isinstance(result, GraphError):
            raise result
        if isinstance(result.body, dict):
            out.append(result.body)
    return out


async def stored_statuses(ctx: ChunkContext, edge: str) -> dict[str, str | None]:
    """id -> effective_status of the account's stored objects that are not deleted."""
    async with ctx.pool.connection() as conn:
        cur = await conn.execute(
            f"select id, effective_status from meta_sync.{TABLES[edge]}"
            " where account_id = %s and not is_deleted",
            (ctx.account_id,),
        )
        return {str(r[0]): r[1] for r in await cur.fetchall()}


async def fetch_full(ctx: ChunkContext) -> StructureData:
    data = StructureData()
    for edge, level in EDGES:
        listed = await list_edge(ctx, edge, FIELDS[edge], [status_filter(level)])
        data.add(edge, listed)
        missing = set(await stored_statuses(ctx, edge)) - set(data.raw[edge])
        data.add(edge, await read_by_ids(ctx, missing, edge))
    data.add("adcreatives", await list_edge(ctx, "adcreatives", FIELDS["adcreatives"], []))
    return data


async def fetch_incremental(ctx: ChunkContext) -> StructureData:
    assert ctx.chunk.updated_since is not None
    since = int((ctx.chunk.updated_since - UPDATED_OVERLAP).timestamp())
    data = StructureData()
    for edge, level in EDGES:
        changed = {"field": f"{level}.updated_time", "operator": "GREATER_THAN", "value": since}
        data.add(edge, await list_edge(ctx, edge, FIELDS[edge], [status_filter(level), changed]))
        light = await list_edge(ctx, edge, ("id", "effective_status"), [status_filter(level)])
        stale = stale_ids(await stored_statuses(ctx, edge), light, data.raw[edge])
        data.add(edge, await read_by_ids(ctx, stale, edge))
    await add_new_creatives(ctx, data)
    return data


def stale_ids(
    stored: dict[str, str | None], light: list[dict[str, Any]], have: dict[str, Any]
) -> set[str]:
    """Ids to read again: listed with another status than stored, or stored but not listed."""
    listed = {str(o["id"]): o.get("effective_status") for o in light}
    moved = {i for i, s in listed.items() if i in stored and stored[i] != s}
    gone = set(stored) - set(listed)
    return (moved | gone) - set(have)


async def add_new_creatives(ctx: ChunkContext, data: StructureData) -> None:
    used = {
        str(ad["creative"]["id"])
        for ad in data.raw["ads"].values()
        if isinstance(ad.get("creative"), dict) and ad["creative"].get("id")
    }
    async with ctx.pool.connection() as conn:
        cur = await conn.execute(
            "select id from meta_sync.meta_ad_creatives where id = any(%s)", (sorted(used),)
        )
        known = {str(r[0]) for r in await cur.fetchall()}
    data.add("adcreatives", await read_by_ids(ctx, used - known, "adcreatives"))


async def run_structure_chunk(ctx: ChunkContext) -> int:
    """Fetch, then write everything and complete the chunk in one transaction; rows written."""
    full = ctx.chunk.updated_since is None
    data = await (fetch_full(ctx) if full else fetch_incremental(ctx))
    act, raw = ctx.account_id, data.raw
    groups: dict[str, Sequence[Row]] = {
        "campaigns": [map_campaign(o, act) for o in raw["campaigns"].values()],
        "adsets": [map_adset(o, act) for o in raw["adsets"].values()],
        "ads": [map_ad(o, act) for o in raw["ads"].values()],
        "creatives": [map_creative(o, act) for o in raw["adcreatives"].values()],
    }
    now = ctx.clock()
    async with ctx.pool.connection() as conn, conn.transaction():
        written = 0
        for rows in groups.values():
            written += await upsert_rows(conn, rows, now)
        await complete_sync_chunk(
            conn,
            ctx.chunk,
            rows_written=written,
            api_calls=ctx.counter.calls,
            entity_counts={k: len(v) for k, v in groups.items()},
            now=now,
        )
    return written
