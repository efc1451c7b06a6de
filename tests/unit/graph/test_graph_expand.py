"""read_with_edges: first pages of every edge in one call, then each edge's ``next`` alone."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from meta_emulator import Emulator
from metasync.graph import EdgeRequest, GraphClient, read_with_edges
from tests.support.graph_fakes import BASE, TOKEN, error, make_client, params, reply

FILTER = [{"field": "ad.effective_status", "operator": "IN", "value": ["ACTIVE", "PAUSED"]}]
EDGES = (
    EdgeRequest("campaigns", ("id", "name"), {"limit": 2}),
    EdgeRequest("ads", ("id", "creative{id}"), {"limit": 2, "filtering": FILTER}),
    EdgeRequest("adcreatives", ("id",), {"limit": 2}),
)


def page(ids: list[str], nxt: str | None = None) -> dict[str, Any]:
    paging: dict[str, Any] = {"cursors": {"before": "b", "after": "a"}}
    if nxt:
        paging["next"] = nxt
    return {"data": [{"id": i} for i in ids], "paging": paging}


def fake_meta(request: httpx.Request) -> httpx.Response:
    """act_1 with campaigns on 2 pages, ads on 1, no creatives (left out, as Meta does)."""
    if request.url.path == "/v25.0/act_1":
        nxt = "https://graph.facebook.com/v25.0/act_1/campaigns?limit=2&after=c2&access_token=EAAx"
        return reply(body={"id": "act_1", "campaigns": page(["c1", "c2"], nxt), "ads": page(["a"])})
    assert request.url.path == "/v25.0/act_1/campaigns"
    return reply(body=page(["c3"]))


def test_expansion_syntax() -> None:
    assert EDGES[1].expansion() == (
        'ads.limit(2).filtering([{"field":"ad.effective_status","operator":"IN",'
        '"value":["ACTIVE","PAUSED"]}]){id,creative{id}}'
    )


async def test_one_call_for_the_first_pages_then_next_per_edge() -> None:
    client, server, _ = make_client(fake_meta)
    got = await read_with_edges(client, "act_1", ("id",), EDGES)
    assert got.node == {"id": "act_1"}
    assert got.rows == {"campaigns": [{"id": i} for i in ("c1", "c2", "c3")], "ads": [{"id": "a"}],
                        "adcreatives": []}  # fmt: skip
    assert got.complete == {"campaigns": True, "ads": True, "adcreatives": True}
    assert len(server.requests) == 2
    first = params(server.requests[0])
    assert first["fields"] == ",".join(["id", *(e.expansion() for e in EDGES)])
    assert first["access_token"] == TOKEN and "appsecret_proof" in first
    follow = server.requests[1]
    assert follow.url.host == "graph.test" and params(follow)["after"] == "c2"
    assert params(follow)["access_token"] == TOKEN  # the token embedded in `next` is dropped


async def test_an_edge_not_followed_stops_at_its_first_page() -> None:
    client, server, _ = make_client(fake_meta)
    edges = (EdgeRequest("campaigns", ("id",), {"limit": 2}, follow=False), EDGES[1])
    got = await read_with_edges(client, "act_1", ("id",), edges)
    assert [r["id"] for r in got.rows["campaigns"]] == ["c1", "c2"]
    assert got.complete == {"campaigns": False, "ads": True}
    assert len(server.requests) == 1


async def test_too_much_data_reads_each_edge_on_its_own() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v25.0/act_1" and "{" in params(request)["fields"]:
            return reply(
                500, error(1, message="Please reduce the amount of data you're asking for")
            )
        if request.url.path == "/v25.0/act_1":
            return reply(body={"id": "act_1"})
        edge = request.url.path.rsplit("/", 1)[-1]
        return reply(body=page([f"{edge}-1"]))

    client, server, _ = make_client(handler, attempts=1)
    got = await read_with_edges(client, "act_1", ("id",), EDGES)
    assert got.node == {"id": "act_1"}
    assert {k: [r["id"] for r in v] for k, v in got.rows.items()} == {
        "campaigns": ["campaigns-1"],
        "ads": ["ads-1"],
        "adcreatives": ["adcreatives-1"],
    }
    ads = next(r for r in server.requests if r.url.path.endswith("/ads"))
    assert params(ads)["fields"] == "id,creative{id}"
    assert json.loads(params(ads)["filtering"]) == FILTER and params(ads)["limit"] == "2"


async def test_against_the_emulator_rows_equal_the_plain_edges() -> None:
    emu = Emulator("small", 1, clock=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    creds = emu.credentials
    async with emu.client(base_url=BASE) as http:
        secret, token = creds["app_secret"], creds["access_token"]
        client = GraphClient(
            http, base_url=BASE, api_version="v25.0", app_secret=secret, access_token=token
        )
        account = creds["account_ids"][0]
        before = emu.stats["calls"]
        got = await read_with_edges(client, account, ("id", "name"), EDGES)
        calls = emu.stats["calls"] - before
        for req in EDGES:
            plain = await client.get_all(f"{account}/{req.edge}", req.plain_params())
            assert got.rows[req.edge] == plain, req.edge
        pages = sum(-(-len(rows) // 2) for rows in got.rows.values())
        assert calls == 1 + pages - len(EDGES)  # first pages shared in one call


async def test_edges_are_followed_side_by_side_each_in_page_order() -> None:
    in_flight, most = 0, 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        if request.url.path == "/v25.0/act_1":
            base = "https://graph.facebook.com/v25.0/act_1"
            return reply(body={"id": "act_1",
                               "campaigns": page(["c1"], f"{base}/campaigns?after=c1"),
                               "ads": page(["a1"], f"{base}/ads?after=a1")})  # fmt: skip
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        after = params(request)["after"]
        if after.endswith("1"):
            return reply(
                body=page(
                    [after[0] + "2"], f"{request.url.copy_with(query=None)}?after={after[0]}2"
                )
            )
        return reply(body=page([after[0] + "3"]))

    client, server, _ = make_client(handler)  # type: ignore[arg-type]
    got = await read_with_edges(client, "act_1", ("id",), EDGES[:2])
    assert got.rows == {"campaigns": [{"id": f"c{i}"} for i in (1, 2, 3)],
                        "ads": [{"id": f"a{i}"} for i in (1, 2, 3)]}  # fmt: skip
    assert most == 2  # the two edges' second pages were asked at the same time
    assert len(server.requests) == 5
