"""Ad-set and ad ``issues_info`` and creative ``effective_object_story_id``, against the world."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from meta_emulator.world import AccountWorld, build_world
from tests.support.emuhelpers import NOW, make

ISSUE_KEYS = {"level", "error_code", "error_summary", "error_message", "error_type"}
EVERY_STATUS = json.dumps(["ACTIVE", "PAUSED", "ARCHIVED", "WITH_ISSUES", "CAMPAIGN_PAUSED"])


def _issue_accounts(seed: int) -> list[AccountWorld]:
    """Accounts with an ad set that carries an issue and is live (own status ACTIVE) now."""
    world = build_world("agency", seed, NOW.date())
    t = NOW.timestamp()
    return [
        aw
        for aw in world.by_index
        if any(s.issue and s.timeline.status_at(t) == "ACTIVE" for s in aw.adsets.values())
    ]


def test_the_world_gives_a_few_ad_sets_an_issue_deterministically() -> None:
    world = build_world("agency", 1, NOW.date())
    adsets = [s for aw in world.by_index for s in aw.adsets.values()]
    with_issue = [s.id for s in adsets if s.issue is not None]

    assert 0 < len(with_issue) < len(adsets) * 0.1
    again = build_world("agency", 1, NOW.date())
    assert with_issue == [s.id for aw in again.by_index for s in aw.adsets.values() if s.issue]
    other = build_world("agency", 2, NOW.date())
    assert with_issue != [s.id for aw in other.by_index for s in aw.adsets.values() if s.issue]
    for s in adsets:
        if s.issue is not None:
            assert set(s.issue.info()) == ISSUE_KEYS and s.issue.level == "AD_SET"


def test_the_issue_streams_leave_the_rest_of_the_world_unchanged() -> None:
    aw = _issue_accounts(1)[0]
    ads = list(aw.ads.values())

    assert sum(ad.issue is not None for ad in ads) < len(ads)
    assert all(ad.issue is None or ad.issue.level == "AD" for ad in ads)
    assert [s.campaign_id for s in aw.adsets.values()] == sorted(
        s.campaign_id for s in aw.adsets.values()
    )


async def _listing(open_graph: Any, seed: int, index: int, edge: str) -> list[dict[str, Any]]:
    emu = make("agency", seed)
    graph = await open_graph(emu)
    account = emu.account_ids[index]
    fields = "id,effective_status,issues_info" if edge != "adcreatives" else "id,account_id"
    fields += ",effective_object_story_id" if edge == "adcreatives" else ""
    params: dict[str, Any] = {"fields": fields, "limit": 500}
    if edge != "adcreatives":
        params["effective_status"] = EVERY_STATUS
    pages = await graph.pages(f"{account}/{edge}", **params)
    return [obj for page in pages for obj in page["data"]]


@pytest.mark.parametrize("edge", ["adsets", "ads"])
async def test_issues_info_is_shaped_as_meta_and_empty_without_issues(
    open_graph: Any, edge: str
) -> None:
    aw = _issue_accounts(1)[0]
    objects = await _listing(open_graph, 1, aw.account.index, edge)

    assert objects
    for obj in objects:
        issues = obj["issues_info"]
        assert isinstance(issues, list)
        if obj["effective_status"] != "WITH_ISSUES":
            assert issues == [], obj
        for issue in issues:
            assert set(issue) == ISSUE_KEYS and isinstance(issue["error_code"], int)
            assert issue["level"] == {"adsets": "AD_SET", "ads": "AD"}[edge]


async def test_ad_sets_the_world_gives_an_issue_are_served_with_it(open_graph: Any) -> None:
    aw = _issue_accounts(1)[0]
    served = {o["id"]: o for o in await _listing(open_graph, 1, aw.account.index, "adsets")}
    flagged = [s for s in aw.adsets.values() if s.issue is not None and s.id in served]

    assert flagged
    assert any(served[s.id]["effective_status"] == "WITH_ISSUES" for s in flagged)
    for s in flagged:
        obj = served[s.id]
        if obj["effective_status"] == "WITH_ISSUES":
            assert s.issue is not None and obj["issues_info"] == [s.issue.info()]


async def test_creatives_serve_their_page_post_story_id(open_graph: Any) -> None:
    aw = build_world("agency", 1, NOW.date()).by_index[3]
    served = await _listing(open_graph, 1, 3, "adcreatives")

    assert served
    pages = set()
    for obj in served:
        story = obj["effective_object_story_id"]
        assert re.fullmatch(r"\d+_\d+", story), story
        assert story == aw.creatives[obj["id"]].story_id
        pages.add(story.split("_")[0])
    assert len(pages) == 1 and pages != {aw.account.id}
    assert len({obj["effective_object_story_id"] for obj in served}) == len(served)
