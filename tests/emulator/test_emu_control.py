"""The control API and webhook deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meta_emulator import Emulator
from tests.support.emuhelpers import BASE, Graph, make


async def test_clock_routes(graph: Graph) -> None:
    c = graph.client
    assert (await c.get("/__emulator/clock")).json()["now"] == "2026-03-01T15:30:00+00:00"
    assert (await c.post("/__emulator/clock/advance", json={"days": 1, "hours": 2})).json()[
        "now"
    ] == "2026-03-02T17:30:00+00:00"
    assert (await c.put("/__emulator/clock", json={"now": "2026-04-01T00:00:00Z"})).json()[
        "now"
    ] == "2026-04-01T00:00:00+00:00"
    await c.post("/__emulator/reset")
    assert (await c.get("/__emulator/clock")).json()["now"] == "2026-03-01T15:30:00+00:00"


async def test_credentials_truth_stats_and_faults_routes(graph: Graph, emu: Emulator) -> None:
    c = graph.client
    creds = (await c.get("/__emulator/credentials")).json()
    assert creds == emu.credentials and creds["account_ids"] == [graph.account]
    await graph.get(graph.account)
    await graph.get(f"{graph.account}/insights")
    await graph.get("404404")
    stats = (await c.get("/__emulator/stats")).json()
    assert stats["calls"] == 3 and stats["failed"] == 1
    assert stats["by_kind"] == {"node": 2, "insights": 1}
    assert stats["by_account"] == {graph.account[4:]: 2}
    assert len((await c.get("/__emulator/calls")).json()["data"]) == 3
    truth = (
        await c.get(
            "/__emulator/truth/insights",
            params={"account_id": graph.account, "since": "2026-02-01", "until": "2026-02-28"},
        )
    ).json()
    assert truth["data"] == emu.truth_insights(graph.account, "2026-02-01", "2026-02-28")
    assert set(truth["ad_status"]) == {a["id"] for a in emu.truth_entities(graph.account)["ads"]}
    entities = (
        await c.get("/__emulator/truth/entities", params={"account_id": graph.account})
    ).json()
    assert len(entities["ads"]) == 20
    assert (await c.put("/__emulator/faults", json={"transient": 0.5})).json()["transient"] == 0.5
    assert (await c.put("/__emulator/faults", json={"nope": 1})).status_code == 400
    await c.post("/__emulator/reset")
    assert (await c.get("/__emulator/faults")).json()["transient"] == 0.0
    assert (await c.get("/__emulator/stats")).json()["calls"] == 0


def _receiver(fail_first: int, seen: list[tuple[bytes, str]]) -> httpx.ASGITransport:
    async def hook(request: Request) -> Response:
        seen.append((await request.body(), request.headers["x-hub-signature-256"]))
        return Response(status_code=500 if len(seen) <= fail_first else 200)

    return httpx.ASGITransport(app=Starlette(routes=[Route("/hook", hook, methods=["POST"])]))


async def test_webhooks_are_signed_and_retried() -> None:
    emu = make("agency", webhook_retry_delays_s=(0.0, 0.0, 0.0), webhook_duplicate_rate=0.0)
    seen: list[tuple[bytes, str]] = []
    report = await emu.deliver_webhooks(
        "http://hook.test/hook", emu.account_ids[3], count=3, transport=_receiver(2, seen)
    )
    assert report["attempts"] == [500, 500, 200] and report["delivered"]
    secret = emu.credentials["app_secret"].encode()
    for body, sig in seen:
        assert sig == "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    payload = json.loads(seen[0][0])
    assert payload["object"] == "ad_account"
    change = payload["entry"][0]["changes"][0]
    assert change["field"] == "with_issues_ad_objects"
    assert {"id", "level", "error_code", "error_summary", "error_message"} <= set(change["value"])
    assert payload["entry"][0]["id"] == emu.account_ids[3][4:]


async def test_webhooks_duplicate_and_give_up() -> None:
    emu = make(webhook_retry_delays_s=(0.0,), webhook_duplicate_rate=1.0)
    seen: list[tuple[bytes, str]] = []
    report = await emu.deliver_webhooks(
        "http://hook.test/hook", field="in_process_ad_objects", transport=_receiver(0, seen)
    )
    assert report["duplicate"] and len(seen) == 2 and seen[0] == seen[1]
    failing: list[tuple[bytes, str]] = []
    gave_up = await emu.deliver_webhooks("http://hook.test/hook", transport=_receiver(99, failing))
    assert not gave_up["delivered"] and len(failing) == 2


async def test_control_calls_are_not_counted(open_graph: Any) -> None:
    emu = make()
    graph = await open_graph(emu)
    await graph.client.get("/__emulator/credentials")
    assert emu.stats["calls"] == 0
    assert BASE.startswith("http://")


async def test_webhook_verification_handshake() -> None:
    async def hub(request: Request) -> Response:
        q = request.query_params
        if q.get("hub.mode") == "subscribe" and q.get("hub.verify_token") == "sesame":
            return Response(q["hub.challenge"])
        return Response(status_code=403)

    transport = httpx.ASGITransport(app=Starlette(routes=[Route("/hook", hub)]))
    emu = make()
    assert (await emu.verify_webhook("http://hook.test/hook", "sesame", transport))["verified"]
    wrong = await emu.verify_webhook("http://hook.test/hook", "nope", transport)
    assert wrong == {"status": 403, "verified": False}


async def test_latency_and_writes(open_graph: Any) -> None:
    emu = make()
    graph = await open_graph(emu)
    assert emu.set_faults(latency_ms=5.0)["latency_ms"] == 5.0
    created = await graph.post(f"{graph.account}/campaigns", name="x")
    assert created.status_code == 400
    assert created.json()["error"]["code"] == 100
    emu.reset()
    assert emu.faults["latency_ms"] == 0.0
