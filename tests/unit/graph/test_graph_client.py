"""GraphClient against a fake server: credentials, retries, paging."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from metasync.graph import (
    BadRequestError,
    PermissionDeniedError,
    ThrottledError,
    TokenDeadError,
    TransientError,
)
from metasync.graph.encoding import encode_params
from tests.support.graph_fakes import APP_SECRET, BASE, TOKEN, error, make_client, params, reply

PROOF = hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()


async def test_every_call_carries_token_and_appsecret_proof() -> None:
    client, server, _ = make_client(lambda r: reply(body={"id": "1"}))
    await client.get("me", {"fields": ["id", "name"]})
    await client.post("act_1/insights", {"level": "ad"})
    for request in server.requests:
        sent = params(request)
        assert sent["access_token"] == TOKEN
        assert sent["appsecret_proof"] == PROOF
    assert server.requests[0].url.path == "/v25.0/me"
    assert params(server.requests[0])["fields"] == "id,name"


async def test_token_per_call_overrides_the_bound_one() -> None:
    client, server, _ = make_client(lambda r: reply(body={}))
    await client.bind("other-token").get("me")
    await client.get("me", access_token="per-call")
    assert [params(r)["access_token"] for r in server.requests] == ["other-token", "per-call"]


async def test_transient_errors_are_retried_with_bounded_growing_backoff() -> None:
    client, server, clock = make_client(lambda r: reply(503, error(2)), attempts=4)
    with pytest.raises(TransientError):
        await client.get("me")
    assert len(server.requests) == 4
    assert len(clock.sleeps) == 3
    assert clock.sleeps[0] < clock.sleeps[2] <= 8 + 0.5


async def test_transient_then_success_returns_the_answer() -> None:
    answers = iter(
        [reply(500, error(1, 99)), reply(200, "Service Unavailable"), reply(body={"id": "7"})]
    )
    client, server, _ = make_client(lambda r: next(answers))
    assert await client.get("me") == {"id": "7"}
    assert len(server.requests) == 3


async def test_network_errors_and_timeouts_are_transient() -> None:
    calls = iter([httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])

    def handler(request: httpx.Request) -> httpx.Response:
        exc = next(calls, None)
        if exc is not None:
            raise exc
        return reply(body={"ok": True})

    client, server, _ = make_client(handler)
    assert await client.get("me") == {"ok": True}
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, error(4), ThrottledError),
        (400, error(100), BadRequestError),
        (400, error(190, 460), TokenDeadError),
        (403, error(10), PermissionDeniedError),
        (429, "", ThrottledError),
    ],
)
async def test_non_transient_errors_are_never_retried(status, body, expected) -> None:  # type: ignore[no-untyped-def]
    client, server, clock = make_client(lambda r: reply(status, body))
    with pytest.raises(expected):
        await client.get("act_1/campaigns")
    assert len(server.requests) == 1
    assert clock.sleeps == []


async def test_paging_follows_next_only_through_short_and_empty_pages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after", "")
        nxt = {"": "p2", "p2": "p3", "p3": "p4"}.get(after)
        data = {"": [{"id": "1"}, {"id": "2"}], "p2": [], "p3": [{"id": "3"}], "p4": [{"id": "4"}]}
        paging: dict = {"cursors": {"before": "b", "after": "z-last"}}  # type: ignore[type-arg]
        if nxt:
            paging["next"] = f"{BASE}/v25.0/act_1/ads?limit=2&after={nxt}&access_token=EAAembedded"
        return reply(body={"data": data[after], "paging": paging})

    client, server, _ = make_client(handler)
    rows = await client.get_all("act_1/ads", {"limit": 2})
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert len(server.requests) == 4
    for request in server.requests:
        assert params(request)["access_token"] == TOKEN
        assert "EAAembedded" not in str(request.url)


async def test_next_on_another_host_is_sent_to_our_base_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("after"):
            return reply(body={"data": [{"id": "2"}]})
        nxt = "https://graph.facebook.com/v25.0/act_1/ads?after=c2"
        return reply(body={"data": [{"id": "1"}], "paging": {"next": nxt}})

    client, server, _ = make_client(handler)
    assert len(await client.get_all("act_1/ads")) == 2
    assert server.requests[1].url.host == "graph.test"
    assert server.requests[1].url.path == "/v25.0/act_1/ads"


async def test_page_without_data_is_a_clear_error() -> None:
    from metasync.graph import UnexpectedResponseError

    client, _, _ = make_client(lambda r: reply(body={"paging": {}}))
    with pytest.raises(UnexpectedResponseError):
        await client.get_all("act_1/ads")


def test_encode_params() -> None:
    encoded = encode_params(
        {
            "fields": ("id", "name"),
            "time_range": {"since": "2026-01-01", "until": "2026-01-31"},
            "filtering": [{"field": "ad.effective_status", "operator": "IN", "value": ["ACTIVE"]}],
            "limit": 500,
            "use_unified_attribution_setting": True,
            "skip": None,
        }
    )
    assert encoded["fields"] == "id,name"
    assert encoded["time_range"] == '{"since":"2026-01-01","until":"2026-01-31"}'
    assert encoded["filtering"].startswith('[{"field":"ad.effective_status"')
    assert encoded["limit"] == "500"
    assert encoded["use_unified_attribution_setting"] == "true"
    assert "skip" not in encoded


async def test_from_settings_uses_url_version_secret_and_retry_settings() -> None:
    from pydantic import SecretStr

    from metasync.graph import GraphClient
    from metasync.settings import Settings

    settings = Settings(
        graph_base_url="https://emulator.test",
        graph_api_version="v26.0",
        meta_app_secret=SecretStr(APP_SECRET),
        graph_retry_attempts=2,
    )
    server_requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        server_requests.append(request)
        return reply(503, error(2))

    async def no_sleep(_: float) -> None:
        return None

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = GraphClient.from_settings(http, settings, access_token=TOKEN, sleep=no_sleep)
    with pytest.raises(TransientError):
        await client.get("me")
    assert len(server_requests) == 2
    assert str(server_requests[0].url).startswith("https://emulator.test/v26.0/me?")
    assert params(server_requests[0])["appsecret_proof"] == PROOF


async def test_a_next_link_to_the_same_page_is_refused_instead_of_looping() -> None:
    from metasync.graph import UnexpectedResponseError

    def handler(request: httpx.Request) -> httpx.Response:
        nxt = f"{BASE}/v25.0/act_1/ads?after=c1"
        return reply(body={"data": [{"id": "1"}], "paging": {"next": nxt}})

    client, server, _ = make_client(handler)
    with pytest.raises(UnexpectedResponseError):
        await client.get_all("act_1/ads")
    assert len(server.requests) == 2
