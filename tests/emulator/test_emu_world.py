"""The world: presets, determinism, late conversions, entity lifecycle over time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from meta_emulator import Emulator
from meta_emulator.presets import DEMO_AGENCY_ACCOUNTS
from meta_emulator.world import build_world
from tests.support.emuhelpers import NOW, make


def test_presets_have_their_shapes() -> None:
    large = next(iter(build_world("large", 1, date(2026, 3, 1)).accounts.values()))
    assert (len(large.campaigns), len(large.adsets), len(large.ads)) == (351, 700, 1000)
    assert large.account.created < datetime(2024, 3, 2, tzinfo=UTC).timestamp()
    small = build_world("small", 1, date(2026, 3, 1))
    assert len(small.accounts) == 1
    assert len(next(iter(small.accounts.values())).ads) == 20
    agency = build_world("agency", 1, date(2026, 3, 1))
    zones = {aw.account.timezone for aw in agency.accounts.values()}
    currencies = {aw.account.currency for aw in agency.accounts.values()}
    assert len(agency.accounts) == 50
    assert {"Pacific/Tongatapu", "Pacific/Honolulu", "Asia/Kolkata"} <= zones
    assert "JPY" in currencies and len(currencies) >= 5
    oldest = min(aw.account.created for aw in agency.accounts.values())
    assert oldest >= datetime(2022, 2, 27, tzinfo=UTC).timestamp()
    objectives = {c.objective for aw in agency.accounts.values() for c in aw.campaigns.values()}
    assert len(objectives) == 6


async def _bytes(emu: Emulator, open_graph: Any) -> list[bytes]:
    graph = await open_graph(emu)
    out = []
    for path, params in [
        (graph.account, {"fields": "id,name,currency,amount_spent,created_time"}),
        (
            f"{graph.account}/ads",
            {"fields": "id,name,status,effective_status,updated_time", "limit": 5},
        ),
        (
            f"{graph.account}/insights",
            {"level": "ad", "time_increment": 1, "fields": "ad_id,spend,actions"},
        ),
        ("9999", {}),
    ]:
        answer = await graph.get(path, **params)
        out.append(answer.content + json.dumps(sorted(answer.headers.items())).encode())
    return out


async def test_same_seed_same_bytes(open_graph: Any) -> None:
    first = await _bytes(make(seed=7), open_graph)
    assert first == await _bytes(make(seed=7), open_graph)
    assert first != await _bytes(make(seed=8), open_graph)


def test_late_conversions_change_only_the_last_28_days() -> None:
    emu = make()
    acc = emu.account_ids[0]
    before = {
        (r["ad_id"], r["date_start"]): r
        for r in emu.truth_insights(acc, "2025-11-01", "2026-02-28")
    }
    emu.clock.advance(timedelta(days=10))
    after = {
        (r["ad_id"], r["date_start"]): r
        for r in emu.truth_insights(acc, "2025-11-01", "2026-02-28")
    }
    assert before.keys() == after.keys()
    changed = {k[1] for k in before if before[k] != after[k]}
    assert changed
    assert min(changed) >= "2026-02-01"  # today was 2026-03-01 (LA): 28 days back
    for k in before:
        if before[k] != after[k]:
            assert {f: v for f, v in before[k].items() if "action" not in f} == {
                f: v for f, v in after[k].items() if "action" not in f
            }
            for a_before in before[k].get("actions", []):
                a_after = next(
                    a for a in after[k]["actions"] if a["action_type"] == a_before["action_type"]
                )
                assert int(a_after["value"]) >= int(a_before["value"])


def test_entities_change_as_the_clock_advances() -> None:
    emu = make("agency")
    acc = max(emu.account_ids, key=lambda a: len(emu.truth_entities(a)["ads"]))
    now = {a["id"]: a for a in emu.truth_entities(acc)["ads"]}
    emu.clock.advance(timedelta(days=60))
    later = {a["id"]: a for a in emu.truth_entities(acc)["ads"]}
    assert set(now) <= set(later)
    assert any(later[i]["updated_time"] != now[i]["updated_time"] for i in now)
    assert any(later[i]["effective_status"] != now[i]["effective_status"] for i in now)


def test_default_clock_is_wall_time_and_anchor_is_its_date() -> None:
    emu = Emulator("small", 1)
    assert emu.clock.ticking
    assert abs(emu.clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    fixed = make()
    assert fixed.clock.now() == NOW and not fixed.clock.ticking


async def test_archived_hidden_unless_filtered_deleted_only_by_id(open_graph: Any) -> None:
    emu = make("agency")
    graph = await open_graph(emu)
    acc = next(
        a
        for a in emu.account_ids
        if {"ARCHIVED", "DELETED"} <= set(emu.truth_ad_status(a).values())
    )
    status = emu.truth_ad_status(acc)
    listed = {a["id"] for p in await graph.pages(f"{acc}/ads", limit=100) for a in p["data"]}
    assert not any(status[i] in ("ARCHIVED", "DELETED") for i in listed)
    filt = json.dumps(
        [{"field": "ad.effective_status", "operator": "IN", "value": ["ARCHIVED", "DELETED"]}]
    )
    archived = {
        a["id"]
        for p in await graph.pages(f"{acc}/ads", limit=100, filtering=filt)
        for a in p["data"]
    }
    assert archived == {i for i, s in status.items() if s == "ARCHIVED"}
    deleted = next(i for i, s in status.items() if s == "DELETED")
    node = (await graph.get(deleted, fields="id,effective_status")).json()
    assert node["effective_status"] == "DELETED"


async def test_updated_time_filter(graph: Any, emu: Emulator) -> None:
    ads = emu.truth_entities(graph.account)["ads"]
    times = sorted(
        datetime.strptime(a["updated_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp() for a in ads
    )
    cut = int(times[len(times) // 2])
    filt = json.dumps([{"field": "ad.updated_time", "operator": "GREATER_THAN", "value": cut}])
    got = [
        a
        for p in await graph.pages(f"{graph.account}/ads", filtering=filt, fields="updated_time")
        for a in p["data"]
    ]
    assert got
    assert all(
        datetime.strptime(a["updated_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp() > cut for a in got
    )


def test_demo_preset_is_the_first_agency_accounts_then_the_large_one() -> None:
    demo = build_world("demo", 7, date(2026, 3, 1)).by_index
    agency = build_world("agency", 7, date(2026, 3, 1)).by_index

    assert len(demo) == DEMO_AGENCY_ACCOUNTS + 1
    for mine, theirs in zip(demo[:DEMO_AGENCY_ACCOUNTS], agency, strict=False):
        assert mine.account == theirs.account
        assert list(mine.ads) == list(theirs.ads)
    large = demo[-1]
    assert (len(large.campaigns), len(large.adsets), len(large.ads)) == (351, 700, 1000)
    assert len({aw.account.id for aw in demo}) == len(demo)
    again = build_world("demo", 7, date(2026, 3, 1)).by_index
    assert [aw.account for aw in again] == [aw.account for aw in demo]
