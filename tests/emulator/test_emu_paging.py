"""Cursor paging: every row exactly once, the end only where `next` is absent."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import timedelta
from typing import Any

from meta_emulator import Emulator
from tests.support.emuhelpers import BASE, Graph, make


def _keys(pages: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter((r["ad_id"], r["date_start"]) for p in pages for r in p["data"])


async def test_insights_pages_return_every_truth_row_once(graph: Graph, emu: Emulator) -> None:
    pages = await graph.pages(
        f"{graph.account}/insights",
        level="ad",
        time_increment=1,
        limit=7,
        fields="ad_id,impressions",
        date_preset="last_90d",
    )
    # last_90d in America/Los_Angeles at 2026-03-01T15:30Z: 2025-12-01 .. 2026-02-28
    truth = emu.truth_insights(graph.account, "2025-12-01", "2026-02-28")
    status = emu.truth_ad_status(graph.account)
    live = Counter((r["ad_id"], r["date_start"]) for r in truth if status[r["ad_id"]] != "DELETED")
    assert len(pages) > 3
    assert _keys(pages) == live


async def test_short_and_empty_pages_keep_next_and_lose_nothing(open_graph: Any) -> None:
    plain = await open_graph(make())
    quirky_emu = make()
    quirky_emu.set_faults(short_page=0.3, empty_page=0.2)
    quirky = await open_graph(quirky_emu)
    params = {
        "level": "ad",
        "time_increment": 1,
        "limit": 10,
        "fields": "ad_id",
        "date_preset": "last_90d",
    }
    want = _keys(await plain.pages(f"{plain.account}/insights", **params))
    pages = await quirky.pages(f"{quirky.account}/insights", **params)
    assert _keys(pages) == want
    assert any(len(p["data"]) == 0 and "next" in p["paging"] for p in pages)
    assert any(0 < len(p["data"]) < 10 and "next" in p["paging"] for p in pages)


async def test_last_page_has_after_cursor_but_no_next(graph: Graph) -> None:
    pages = await graph.pages(f"{graph.account}/ads", limit=5)
    assert "next" not in pages[-1]["paging"]
    assert pages[-1]["paging"]["cursors"]["after"]
    assert all("next" in p["paging"] for p in pages[:-1])
    ids = [a["id"] for p in pages for a in p["data"]]
    assert len(ids) == len(set(ids)) > 5


async def test_next_is_a_full_url_to_the_requesting_host(graph: Graph) -> None:
    body = (await graph.get(f"{graph.account}/ads", limit=2)).json()
    assert body["paging"]["next"].startswith(f"{BASE}/v25.0/{graph.account}/ads?")


async def test_cursors_are_opaque_and_expire(graph: Graph, emu: Emulator) -> None:
    body = (await graph.get(f"{graph.account}/ads", limit=2)).json()
    after = body["paging"]["cursors"]["after"]
    assert not after.isdigit()
    emu.clock.advance(timedelta(hours=2))
    expired = await graph.get(f"{graph.account}/ads", limit=2, after=after)
    assert expired.status_code == 400
    assert expired.json()["error"]["code"] == 100
    forged = base64.urlsafe_b64encode(b"garbage").decode()
    assert (await graph.get(f"{graph.account}/ads", limit=2, after=forged)).status_code == 400
