"""Async report runs: the 100/33 race, progress with the clock, completion, failures."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from meta_emulator import Emulator
from tests.support.emuhelpers import Graph, make

PARAMS = {
    "level": "ad",
    "time_increment": 1,
    "fields": "ad_id,impressions,spend",
    "time_range": json.dumps({"since": "2026-01-01", "until": "2026-02-28"}),
}


async def test_lifecycle_race_progress_and_paged_results(open_graph: Any) -> None:
    emu = make(report_run_s=100.0, report_race_rate=1.0)
    graph = await open_graph(emu)
    created = await graph.post(f"{graph.account}/insights", **PARAMS)
    run_id = created.json()["report_run_id"]
    race = await graph.get(run_id)
    assert race.status_code == 400
    assert (race.json()["error"]["code"], race.json()["error"]["error_subcode"]) == (100, 33)
    first = (await graph.get(run_id)).json()
    assert first["async_status"] == "Job Not Started"
    assert (await graph.get(f"{run_id}/insights")).status_code == 400
    emu.clock.advance(50)
    middle = (await graph.get(run_id)).json()
    assert (middle["async_status"], middle["async_percent_completion"]) == ("Job Running", 50)
    emu.clock.advance(50)
    done = (await graph.get(run_id)).json()
    assert (done["async_status"], done["async_percent_completion"]) == ("Job Completed", 100)
    pages = await graph.pages(f"{run_id}/insights", limit=50)
    sync = await graph.pages(f"{graph.account}/insights", limit=50, **PARAMS)
    assert [r for p in pages for r in p["data"]] == [r for p in sync for r in p["data"]]
    assert len(pages) > 1


async def test_failed_runs_carry_an_error(open_graph: Any) -> None:
    emu = make(report_run_s=10.0, report_race_polls=0)
    emu.set_faults(report_failed=1.0)
    graph = await open_graph(emu)
    seen = set()
    for _ in range(12):
        run_id = (await graph.post(f"{graph.account}/insights", **PARAMS)).json()["report_run_id"]
        emu.clock.advance(10)
        body = (await graph.get(run_id)).json()
        seen.add(body["async_status"])
        if body["async_status"] == "Job Failed":
            assert body["error_code"] and body["error_message"]
        assert (await graph.get(f"{run_id}/insights")).status_code == 400
    assert seen <= {"Job Failed", "Job Skipped"}
    assert "Job Failed" in seen


async def test_run_results_are_as_of_creation(graph: Graph, emu: Emulator) -> None:
    emu.runtime.config.__dict__["report_race_polls"] = 0  # frozen dataclass: test-only poke
    run_id = (await graph.post(f"{graph.account}/insights", **PARAMS)).json()["report_run_id"]
    before = await graph.pages(f"{graph.account}/insights", limit=500, **PARAMS)
    emu.clock.advance(timedelta(days=3))
    assert (await graph.get(run_id)).json()["async_status"] == "Job Completed"
    after = await graph.pages(f"{run_id}/insights", limit=500)
    assert [r for p in after for r in p["data"]] == [r for p in before for r in p["data"]]


async def test_polls_count_against_the_insights_quota(open_graph: Any) -> None:
    emu = make(report_race_polls=0, access_tier="development_access", quota_scale=0.001)
    graph = await open_graph(emu)
    run_id = (await graph.post(f"{graph.account}/insights", **PARAMS)).json()["report_run_id"]
    poll = await graph.get(run_id)
    assert "x-fb-ads-insights-throttle" in poll.headers
    usage = json.loads(poll.headers["x-business-use-case-usage"])[graph.account[4:]]
    insights = next(u for u in usage if u["type"] == "ads_insights")
    limit = emu.runtime.quotas.limit(graph.account[4:], "ads_insights")
    assert limit < 20
    assert insights["call_count"] == -(-200 // limit)  # two calls: the POST and the poll
