"""Error envelopes and HTTP statuses as in docs/meta-api.md; faults; tokens and appsecret_proof."""

from __future__ import annotations

from typing import Any

import pytest

from meta_emulator.auth import proof
from tests.support.emuhelpers import Graph, make

ENVELOPE = {"message", "type", "code", "fbtrace_id", "is_transient"}


async def test_unknown_object_is_100_33_with_full_envelope(graph: Graph) -> None:
    answer = await graph.get("1234567")
    error = answer.json()["error"]
    assert answer.status_code == 400
    assert set(error) >= ENVELOPE
    assert (error["code"], error["error_subcode"]) == (100, 33)
    assert "x-app-usage" in answer.headers


async def test_bare_account_number_fails(graph: Graph) -> None:
    answer = await graph.get(f"{graph.account[4:]}/insights")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100


@pytest.mark.parametrize(("version", "status"), [("v25.0", 200), ("v26.0", 200), ("v19.0", 400)])
async def test_version_check(open_graph: Any, version: str, status: int) -> None:
    graph = await open_graph(make(), version)
    answer = await graph.get(graph.account)
    assert answer.status_code == status
    if status == 400:
        assert answer.json()["error"]["code"] == 2635


async def test_appsecret_proof_checked_and_required(graph: Graph) -> None:
    missing = await graph.client.get(
        f"/v25.0/{graph.account}", params={"access_token": graph.token}
    )
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == 100
    wrong = await graph.client.get(
        f"/v25.0/{graph.account}", params={"access_token": graph.token, "appsecret_proof": "00"}
    )
    assert wrong.status_code == 400
    header = await graph.client.get(
        f"/v25.0/{graph.account}",
        params={"appsecret_proof": graph.auth["appsecret_proof"]},
        headers={"Authorization": f"OAuth {graph.token}"},
    )
    assert header.status_code == 200


async def test_proof_optional_when_the_app_does_not_require_it(open_graph: Any) -> None:
    graph = await open_graph(make(require_appsecret_proof=False))
    ok = await graph.client.get(f"/v25.0/{graph.account}", params={"access_token": graph.token})
    assert ok.status_code == 200
    wrong = await graph.client.get(
        f"/v25.0/{graph.account}", params={"access_token": graph.token, "appsecret_proof": "00"}
    )
    assert wrong.status_code == 400


async def test_bad_token_is_190(graph: Graph) -> None:
    answer = await graph.client.get(f"/v25.0/{graph.account}", params={"access_token": "EAAnope"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 190


@pytest.mark.parametrize(
    ("fault", "codes"),
    [
        ("transient", {(500, 1), (503, 2)}),
        ("throttle", {(400, 4), (400, 17), (400, 613), (400, 80004)}),
    ],
)
async def test_fault_classes_answer_real_codes(
    open_graph: Any, fault: str, codes: set[tuple[int, int]]
) -> None:
    emu = make()
    emu.set_faults(**{fault: 1.0})
    graph = await open_graph(emu)
    seen = set()
    for _ in range(30):
        answer = await graph.get(graph.account)
        error = answer.json()["error"]
        assert error["is_transient"] is True
        assert "x-app-usage" in answer.headers
        seen.add((answer.status_code, error["code"]))
        if fault == "throttle":
            assert error["estimated_time_to_regain_access"] >= 1
    assert seen == codes
    assert emu.stats["failed"] == 30


async def test_malformed_bodies_are_200s(open_graph: Any) -> None:
    emu = make()
    emu.set_faults(malformed=1.0)
    graph = await open_graph(emu)
    bodies = {(await graph.get(graph.account)).content for _ in range(10)}
    assert b"Service Unavailable" in bodies
    assert emu.stats["malformed"] == 10


async def test_token_death_is_permanent(open_graph: Any) -> None:
    emu = make()
    emu.set_faults(token_death=1.0)
    graph = await open_graph(emu)
    first = await graph.get(graph.account)
    assert (first.status_code, first.json()["error"]["code"]) == (400, 190)
    emu.set_faults(token_death=0.0)
    again = await graph.get(graph.account)
    assert again.json()["error"]["code"] == 190
    emu.reset()
    assert (await graph.get(graph.account)).status_code == 200


async def test_token_exchange_and_debug(graph: Graph) -> None:
    creds = graph.emu.credentials
    short = next(t["access_token"] for t in creds["tokens"] if t["type"] == "USER")
    answer = await graph.client.get(
        "/v25.0/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": creds["app_id"],
            "client_secret": creds["app_secret"],
            "fb_exchange_token": short,
        },
    )
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 5183944
    long_token = body["access_token"]
    proofed = {
        "access_token": long_token,
        "appsecret_proof": proof(creds["app_secret"], long_token),
    }
    assert (await graph.client.get(f"/v25.0/{graph.account}", params=proofed)).status_code == 200
    debug = (await graph.get("debug_token", input_token=long_token)).json()["data"]
    assert debug["is_valid"] is True
    assert debug["app_id"] == creds["app_id"]
    assert debug["expires_at"] > 0
    system = (await graph.get("debug_token", input_token=graph.token)).json()["data"]
    assert (system["expires_at"], system["type"]) == (0, "SYSTEM_USER")
    bad = await graph.client.get(
        "/v25.0/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": creds["app_id"],
            "client_secret": "wrong",
            "fb_exchange_token": short,
        },
    )
    assert bad.status_code == 400


async def test_fixed_token_at_start(open_graph: Any) -> None:
    emu = make(token="EAAfixedtoken")
    assert emu.credentials["access_token"] == "EAAfixedtoken"
    graph = await open_graph(emu)
    assert (await graph.get(graph.account)).status_code == 200


async def test_every_field_the_worker_requests_is_served(graph: Graph) -> None:
    fields = pytest.importorskip("metasync.graph.fields")
    account = await graph.get(graph.account, fields=",".join(fields.AD_ACCOUNT_FIELDS))
    assert account.status_code == 200, account.text
    for edge, names in fields.ENTITY_FIELDS.items():
        answer = await graph.get(f"{graph.account}/{edge}", fields=",".join(names), limit=3)
        assert answer.status_code == 200, (edge, answer.text)
    insights = await graph.get(f"{graph.account}/insights", level="ad", time_increment=1,
                               fields=",".join(fields.INSIGHTS_FIELDS))  # fmt: skip
    assert insights.status_code == 200, insights.text


@pytest.mark.parametrize(
    ("code", "status"),
    [(1, 500), (2, 503), (4, 400), (17, 400), (613, 400), (80000, 400), (80004, 400), (190, 400),
     (10, 403), (200, 403), (100, 400), (3018, 400), (2635, 400)],
)  # fmt: skip
def test_http_status_table(code: int, status: int) -> None:
    from meta_emulator.errors import ErrorReply

    assert ErrorReply(code, "x").status == status
    assert ErrorReply(code, "x").envelope("T")["error"]["code"] == code


async def test_bare_429_fault(open_graph: Any) -> None:
    emu = make()
    emu.set_faults(http_429=1.0)
    graph = await open_graph(emu)
    answer = await graph.get(graph.account)
    assert (answer.status_code, answer.content) == (429, b"")
    assert "x-app-usage" in answer.headers
    assert emu.stats["failed"] == 1
