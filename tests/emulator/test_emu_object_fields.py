"""Object fields: an ad's ``adset{...}`` and ``campaign{...}``, an ad set's ``campaign{...}``.

The referenced node comes back exactly as its own by-id read with the same fields (deleted ones
included), in the one call of the child's read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from meta_emulator import Emulator
from tests.support.emuhelpers import Graph

ACCOUNT = "act_1000100000002"  # ads, ad sets and campaigns deleted (agency world)
AD = "id,name,status,effective_status,updated_time,campaign_id,adset_id,creative{id},issues_info"
ADSET = "id,name,effective_status,campaign_id,targeting,daily_budget,lifetime_budget,issues_info"
CAMPAIGN = "id,name,status,effective_status,objective,buying_type,daily_budget,lifetime_budget"


@pytest.fixture
async def agency(open_graph: Any, make_emulator: Any) -> Graph:
    graph: Graph = await open_graph(make_emulator("agency"))
    graph.account = ACCOUNT
    return graph


def by_status(emu: Emulator, edge: str) -> dict[str, dict[str, Any]]:
    """The account's objects of an edge by id (ground truth, deleted included)."""
    return {o["id"]: o for o in emu.truth_entities(ACCOUNT)[edge]}


def ads_under_deleted_parents(emu: Emulator) -> list[dict[str, Any]]:
    adsets, campaigns = by_status(emu, "adsets"), by_status(emu, "campaigns")
    return [
        ad
        for ad in by_status(emu, "ads").values()
        if ad["effective_status"] == "DELETED"
        and adsets[ad["adset_id"]]["effective_status"] == "DELETED"
        and campaigns[ad["campaign_id"]]["effective_status"] == "DELETED"
    ]


async def json_of(graph: Graph, path: str, fields: str) -> Any:
    answer = await graph.get(path, fields=fields)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_deleted_ads_parents_equal_their_by_id_reads(agency: Graph) -> None:
    ads = ads_under_deleted_parents(agency.emu)
    assert ads
    for ad in ads:
        fields = f"{AD},adset{{{ADSET}}},campaign{{{CAMPAIGN}}}"
        node = await json_of(agency, ad["id"], fields)
        assert node.pop("adset") == await json_of(agency, ad["adset_id"], ADSET)
        assert node.pop("campaign") == await json_of(agency, ad["campaign_id"], CAMPAIGN)
        assert node == await json_of(agency, ad["id"], AD)
        assert {node["effective_status"]} == {"DELETED"}


async def test_an_ad_sets_campaign_equals_its_by_id_read(agency: Graph) -> None:
    for adset in by_status(agency.emu, "adsets").values():
        node = await json_of(agency, adset["id"], f"{ADSET},campaign{{{CAMPAIGN}}}")
        assert node.pop("campaign") == await json_of(agency, adset["campaign_id"], CAMPAIGN)
        assert node == await json_of(agency, adset["id"], ADSET)


async def test_nested_object_fields_expand_too(agency: Graph) -> None:
    ad = ads_under_deleted_parents(agency.emu)[0]
    node = await json_of(agency, ad["id"], "id,adset{name,campaign{id,objective}}")
    expected = await json_of(agency, ad["adset_id"], "name,campaign{id,objective}")
    assert node["adset"] == expected
    assert node["adset"]["campaign"] == await json_of(agency, ad["campaign_id"], "id,objective")


async def test_bare_object_fields_are_the_id(agency: Graph) -> None:
    ad = ads_under_deleted_parents(agency.emu)[0]
    node = await json_of(agency, ad["id"], "id,adset,campaign")
    assert node == {"id": ad["id"], "adset": {"id": ad["adset_id"]},
                    "campaign": {"id": ad["campaign_id"]}}  # fmt: skip
    adset = await json_of(agency, ad["adset_id"], "campaign")
    assert adset == {"campaign": {"id": ad["campaign_id"]}, "id": ad["adset_id"]}


async def test_one_call_of_kind_node(agency: Graph) -> None:
    ad = ads_under_deleted_parents(agency.emu)[0]
    before = agency.emu.stats
    await json_of(agency, ad["id"], f"{AD},adset{{{ADSET},campaign{{id}}}},campaign{{{CAMPAIGN}}}")
    after = agency.emu.stats
    assert after["calls"] - before["calls"] == 1
    assert after["by_kind"]["node"] - before["by_kind"].get("node", 0) == 1


async def test_the_batch_answers_the_same(agency: Graph) -> None:
    ad = ads_under_deleted_parents(agency.emu)[0]
    fields = f"{AD},adset{{{ADSET}}},campaign{{{CAMPAIGN}}}"
    batch = f'[{{"method":"GET","relative_url":"v25.0/{ad["id"]}?fields={fields}"}}]'
    answer = (await agency.post("", batch=batch)).json()
    assert answer[0]["code"] == 200
    assert json.loads(answer[0]["body"]) == await json_of(agency, ad["id"], fields)


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("ad", "id,adset{id,nonexisting_field}"),
        ("ad", "id,campaign{name,targeting}"),  # an ad set's field asked of a campaign
        ("ad", "id,adset{campaign{bogus}}"),
        ("ad", "id,adset{}"),
        ("adset", "id,adset{id}"),
        ("adset", "id,campaign{id,adset_id}"),
        ("campaign", "id,campaign{id}"),
        ("campaign", "id,adset"),
    ],
)
async def test_unknown_fields_are_code_100(agency: Graph, kind: str, fields: str) -> None:
    ad = ads_under_deleted_parents(agency.emu)[0]
    node = {"ad": ad["id"], "adset": ad["adset_id"], "campaign": ad["campaign_id"]}[kind]
    answer = await agency.get(node, fields=fields)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100
