"""Structure chunks: campaigns, ad sets, ads and creatives of one account.

One call reads the first page of all four edges, expanded on the account node
(``act_X?fields=id,campaigns.limit(500).filtering([...]){...},adsets...,ads...,adcreatives...``,
:func:`metasync.graph.read_with_edges`); each edge's ``next`` is then followed with the ordinary
paging. Full and incremental chunks list every edge once, with every status we keep (ARCHIVED
must be asked for) and every field we store: the listing shows statuses cascaded from a paused
or archived parent as they are, and one full listing (``ceil(N / page)`` pages) never costs more
calls than a changed-since listing plus a status sweep (``1 + ceil(N / page)``). A small account
costs one call.

Meta lists DELETED objects only by id: stored objects not marked deleted that the listing no
longer shows are read by id (they come back DELETED; ones purged for good are skipped), an
ad's ad set and campaign riding on the ad's read (:func:`read_unlisted`).

Full (``updated_since`` NULL, onboarding or a webhook re-sync): creatives are listed to the end.
Incremental (``updated_since`` set): creatives come from their first page only (it rides on the
shared call), and the creatives the ads use that are neither stored nor on that page are read by
id. ``updated_since`` no longer narrows the listings (it would save no call): every listed
object is upserted and the upsert writes only the rows that differ (``is distinct from``), so an
incremental chunk's entity counts are the objects that changed (inserted or updated), as with
the old ``updated_time`` filter, and a full chunk's are the objects read.

Everything is written in one transaction that also completes the chunk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from metasync.db import entities
from metasync.db.queue import complete_sync_chunk
from metasync.db.structure import database_now, record_structure_listing
from metasync.db.writers import Row, upsert_rows
from metasync.graph import (
    ApiVersionError,
    BadRequestError,
    BatchRequest,
    EdgeRequest,
    GraphError,
    execute_batch,
    read_with_edges,
)
from metasync.graph.fields import ENTITY_FIELDS, PARENT_FIELDS, with_parents
from metasync.sync.context import ChunkContext
from metasync.sync.mapping import map_ad, map_adset, map_campaign, map_creative

LISTED_STATUSES = (
    "ACTIVE", "PAUSED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES", "CAMPAIGN_PAUSED",
    "ADSET_PAUSED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO",
)  # fmt: skip
EDGES = (("campaigns", "campaign"), ("adsets", "adset"), ("ads", "ad"))
TABLES = {"campaigns": "meta_campaigns", "adsets": "meta_adsets", "ads": "meta_ads"}
log = logging.getLogger("metasync.sync.structure")


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


def edge_requests(page_size: int, full: bool) -> list[EdgeRequest]:
    """Each edge once: every kept status, every stored field; creatives to the end if full."""
    edges = [
        EdgeRequest(e, ENTITY_FIELDS[e], {"limit": page_size, "filtering": [status_filter(level)]})
        for e, level in EDGES
    ]
    creatives = EdgeRequest("adcreatives", ENTITY_FIELDS["adcreatives"], {"limit": page_size}, full)
    return [*edges, creatives]


def unlisted(stored_live: set[str], listed: Iterable[str]) -> set[str]:
    """Stored ids not deleted that the listing no longer shows: deleted at Meta since."""
    return stored_live - set(listed)


async def read_by_ids(
    ctx: ChunkContext, ids: Iterable[str], edge: str, fields: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Objects by id through batch (50 per request; each item is a call), with the edge's stored
    fields unless ``fields`` says otherwise. An object Meta no longer knows at all is skipped;
    any other item error is raised."""
    asked = ",".join(fields or ENTITY_FIELDS[edge])
    requests = [
        BatchRequest(ctx.graph.relative_url(i, {"fields": asked}), account_id=ctx.account_id)
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


async def read_unlisted(
    ctx: ChunkContext, wanted: Mapping[str, Iterable[str]]
) -> dict[str, list[dict[str, Any]]]:
    """Campaigns, ad sets and ads Meta does not list (``wanted`` ids per edge), read by id with
    each parent riding on its child's call: the ads first, their ad set and campaign expanded;
    then the ad sets not obtained so, their campaign expanded; then the campaigns still missing.
    Calls: one per wanted ad, per wanted ad set without a wanted ad, per wanted campaign without
    either. An object whose read with parents fails (a parent purged for good may fail it) is
    read once more on its own. Only wanted objects are returned, as their own by-id read would
    give them."""
    want = {edge: set(wanted.get(edge, ())) for edge in ("ads", "adsets", "campaigns")}
    found: dict[str, dict[str, dict[str, Any]]] = {edge: {} for edge in want}
    for edge in want:
        ids = want[edge] - set(found[edge])
        objects = await read_by_ids(ctx, ids, edge, with_parents(edge))
        if PARENT_FIELDS.get(edge):
            objects += await read_by_ids(ctx, ids - {str(o["id"]) for o in objects}, edge)
        for obj in objects:
            for name, parent_edge in PARENT_FIELDS.get(edge, {}).items():
                parent = obj.pop(name, None)
                if isinstance(parent, dict) and set(parent) > {"id"}:  # expanded, not bare
                    found[parent_edge].setdefault(str(parent["id"]), parent)
            found[edge][str(obj["id"])] = obj
    return {edge: [o for i, o in found[edge].items() if i in want[edge]] for edge in want}


async def stored_live_ids(ctx: ChunkContext) -> dict[str, set[str]]:
    """Per edge, the ids of the account's stored objects that are not deleted."""
    async with ctx.pool.connection() as conn:
        return {
            edge: await entities.live_ids(conn, table, ctx.account_id)
            for edge, table in TABLES.items()
        }


async def fetch(ctx: ChunkContext, full: bool) -> StructureData:
    """The listings (one shared call for the first pages), then the unlisted by id."""
    requests = edge_requests(ctx.settings.structure_page_size, full)
    listed = await read_with_edges(ctx.graph, ctx.account_id, ("id",), requests,
                                   account_id=ctx.account_id)  # fmt: skip
    data = StructureData()
    for edge, rows in listed.rows.items():
        data.add(edge, rows)
    stored = await stored_live_ids(ctx)
    gone = await read_unlisted(ctx, {e: unlisted(stored[e], data.raw[e]) for e in TABLES})
    for edge, objects in gone.items():
        data.add(edge, objects)
    if not listed.complete["adcreatives"]:
        await add_new_creatives(ctx, data)
    return data


async def add_new_creatives(ctx: ChunkContext, data: StructureData) -> None:
    used = {
        str(ad["creative"]["id"])
        for ad in data.raw["ads"].values()
        if isinstance(ad.get("creative"), dict) and ad["creative"].get("id")
    }
    async with ctx.pool.connection() as conn:
        known = await entities.stored_ids(conn, "meta_ad_creatives", used)
    missing = used - known - set(data.raw["adcreatives"])
    data.add("adcreatives", await read_by_ids(ctx, missing, "adcreatives"))


def entity_groups(account_id: str, data: StructureData) -> dict[str, Sequence[Row]]:
    raw = data.raw
    return {
        "campaigns": [map_campaign(o, account_id) for o in raw["campaigns"].values()],
        "adsets": [map_adset(o, account_id) for o in raw["adsets"].values()],
        "ads": [map_ad(o, account_id) for o in raw["ads"].values()],
        "creatives": [map_creative(o, account_id) for o in raw["adcreatives"].values()],
    }


async def list_structure(ctx: ChunkContext) -> None:
    """List every edge and store it outside a structure chunk: an insights chunk met objects
    the database does not know, and the last listing is too old to say they are deleted."""
    async with ctx.pool.connection() as conn:
        started = ctx.clock.db_now() or await database_now(conn)
    groups = entity_groups(ctx.account_id, await fetch(ctx, full=True))
    async with ctx.pool.connection() as conn, conn.transaction():
        for rows in groups.values():
            await upsert_rows(conn, rows, ctx.clock.db_now())
        await record_structure_listing(conn, ctx.account_id, started)


async def run_structure_chunk(ctx: ChunkContext) -> int:
    """Fetch, then write everything and complete the chunk in one transaction; rows written."""
    full = ctx.chunk.updated_since is None
    groups = entity_groups(ctx.account_id, await fetch(ctx, full))
    now = ctx.clock.db_now()
    async with ctx.pool.connection() as conn, conn.transaction():
        changed = {k: await upsert_rows(conn, rows, now) for k, rows in groups.items()}
        counts = {k: len(v) for k, v in groups.items()} if full else changed
        await complete_sync_chunk(
            conn,
            ctx.chunk,
            rows_written=sum(changed.values()),
            api_calls=ctx.counter.calls,
            entity_counts=counts,
            now=now,
        )
    return sum(changed.values())
