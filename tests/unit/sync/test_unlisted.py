"""Unlisted objects by id: parents ride on their child's call; a failed read with parents is
read once more on its own (a parent Meta purged must not cost the child)."""

from __future__ import annotations

import json
from typing import Any, cast

import httpx

from metasync.clock import SYSTEM_CLOCK
from metasync.settings import Settings
from metasync.sync.context import ChunkContext
from metasync.sync.structure import read_unlisted
from tests.support.graph_fakes import batch_items, error, make_client, reply

DELETED = {"effective_status": "DELETED"}
AD = {"id": "11", "name": "ad", "adset_id": "21", "campaign_id": "31"} | DELETED
ADSET = {"id": "21", "name": "set", "campaign_id": "31"} | DELETED
CAMPAIGN = {"id": "31", "name": "camp", "objective": "OUTCOME_SALES"} | DELETED


def item(body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    return {"code": status, "headers": [], "body": json.dumps(body)}


def context(graph: Any) -> ChunkContext:
    chunk = cast(Any, type("Chunk", (), {"account_id": "act_1"})())
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return ChunkContext(chunk, graph, cast(Any, None), settings, SYSTEM_CLOCK)


def meta(purged_parent: bool) -> Any:
    """Ads answer with their parents expanded, unless a parent is purged: then the expanded
    read fails (100/33) and only a plain read of the ad works."""

    def handler(request: httpx.Request) -> httpx.Response:
        answers = []
        for entry in batch_items(request):
            url = entry["relative_url"]
            if url.split("?")[0].endswith("/11"):
                if "adset%7B" in url or "adset{" in url:
                    answers.append(
                        item(error(100, 33), 400)
                        if purged_parent
                        else item(AD | {"adset": ADSET, "campaign": CAMPAIGN})
                    )
                else:
                    answers.append(item(AD))
            else:
                answers.append(item(ADSET if "/21" in url else CAMPAIGN))
        return reply(body=answers)

    return handler


async def test_parents_ride_on_the_ad_read() -> None:
    graph, server, _ = make_client(meta(purged_parent=False))
    wanted = {"ads": ["11"], "adsets": ["21"], "campaigns": ["31"]}
    found = await read_unlisted(context(graph), wanted)
    assert found == {"ads": [AD], "adsets": [ADSET], "campaigns": [CAMPAIGN]}
    assert sum(len(batch_items(r)) for r in server.requests) == 1


async def test_a_failed_read_with_parents_is_read_again_alone() -> None:
    graph, server, _ = make_client(meta(purged_parent=True))
    found = await read_unlisted(context(graph), {"ads": ["11"]})
    assert found["ads"] == [AD]
    assert sum(len(batch_items(r)) for r in server.requests) == 2
