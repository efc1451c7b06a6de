"""Connect with Meta refuses bad input with a clear page or HTTP error, stores nothing, and
shows no token in a URL, a page or a log line."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from meta_emulator.oauth import callback_payload, signed_request
from tests.e2e.test_connect_meta import assert_no_secret, count
from tests.support.connect_browser import (
    APP_URL,
    OPERATOR,
    Browser,
    app_settings,
    hidden,
    open_browser,
)
from tests.support.e2e_harness import BASE_URL, Harness

OPERATOR_AUTH = f"Bearer {OPERATOR}"
NOTHING = (
    "select (select count(*) from meta_sync.meta_connections)"
    " + (select count(*) from meta_sync.oauth_grants)"
    " + (select count(*) from meta_sync.meta_ad_accounts)"
)


@pytest.fixture
async def world(make_harness: Callable[..., Any]) -> AsyncIterator[tuple[Harness, Browser]]:
    h = await make_harness("agency")
    browser = open_browser(h, app_settings(h))
    async with h.pool.connection() as conn:
        await conn.execute("insert into meta_sync.organizations (name) values ('Acme')")
    yield h, browser
    await browser.client.aclose()


async def redirect_back(browser: Browser, **dialog_over: str) -> str:
    """Start, log in on the dialog, and stop at Meta's redirect back: the callback URL."""
    answer = await browser.client.get(
        f"{APP_URL}/connect/meta", params={"org": "Acme"}, headers={"authorization": OPERATOR_AUTH}
    )
    dialog_url = answer.headers["location"]
    page = await browser.client.get(dialog_url)
    form = {**hidden(page.text), **dialog_over, "user": "alice", "action": "continue"}
    body = urlencode([*form.items(), ("grant", "ads_read"), ("grant", "business_management")])
    back = await browser.client.post(
        f"{BASE_URL}/v25.0/dialog/oauth", content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert back.status_code == 302
    return str(back.headers["location"])


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_forged_reused_and_expired_state(
    world: tuple[Harness, Browser], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    h, browser = world
    back = await redirect_back(browser)
    forged = back.replace(_query(back)["state"], "forged-state-of-an-attacker-0000000000000")
    page = await browser.go("GET", forged)
    assert page.status_code == 400 and "this browser did not start this login" in page.text
    stranger = browser.stranger()  # another browser: no session cookie
    other = await stranger.go("GET", back)
    await stranger.client.aclose()
    assert other.status_code == 400 and "did not start this login" in other.text
    assert (await browser.go("GET", back)).status_code == 200  # the picker
    reused = await browser.go("GET", back)
    assert reused.status_code == 400 and "already completed" in reused.text
    late = await redirect_back(browser)
    h.emu.advance(timedelta(minutes=11))
    expired = await browser.go("GET", late)
    assert expired.status_code == 400 and "expired" in expired.text
    assert await count(h, NOTHING) == 1, "only the one completed login's grant"
    assert_no_secret(h, browser, caplog)


async def test_code_used_twice_and_another_redirect_uri(world: tuple[Harness, Browser]) -> None:
    h, browser = world
    first = await redirect_back(browser)
    assert (await browser.go("GET", first)).status_code == 200
    second = await redirect_back(browser)
    replay = second.replace(_query(second)["code"], _query(first)["code"])
    page = await browser.go("GET", replay)
    assert page.status_code == 400 and "authorization code has been used" in page.text
    evil = await redirect_back(browser, redirect_uri="https://evil.test/connect/meta/callback")
    landed = f"{APP_URL}/connect/meta/callback?{urlsplit(evil).query}"
    page = await browser.go("GET", landed)
    assert page.status_code == 400 and "redirect_uri" in page.text
    assert await count(h, NOTHING) == 1


class FailingMeta(httpx.AsyncBaseTransport):
    """The emulator, except that calls whose URL contains ``fail`` answer 503 (code 2)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, fail: str) -> None:
        self.inner, self.fail = inner, fail

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.fail in str(request.url):
            body = {"error": {"message": "Service temporarily unavailable", "code": 2,
                              "type": "OAuthException", "is_transient": True}}  # fmt: skip
            return httpx.Response(503, content=json.dumps(body).encode())
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("fail", ["code=", "fb_exchange_token", "me/adaccounts"])
async def test_meta_failing_during_the_exchange(
    make_harness: Callable[..., Any], caplog: pytest.LogCaptureFixture, fail: str
) -> None:
    caplog.set_level(logging.DEBUG)
    h = await make_harness("agency")
    failing = FailingMeta(httpx.ASGITransport(app=h.emu.app), fail)
    browser = open_browser(h, app_settings(h, graph_retry_attempts=1), graph=failing)
    async with h.pool.connection() as conn:
        await conn.execute("insert into meta_sync.organizations (name) values ('Acme')")
    page = await browser.go("GET", await redirect_back(browser))
    assert page.status_code == 502 and "nothing was stored" in page.text
    assert await count(h, NOTHING) == 0
    assert_no_secret(h, browser, caplog)
    await browser.client.aclose()


async def test_picker_refuses_a_forged_form_and_another_browser(
    world: tuple[Harness, Browser],
) -> None:
    h, browser = world
    picker = await browser.go("GET", await redirect_back(browser))
    form = hidden(picker.text)
    account = "act_" + h.emu.account_ids[0].removeprefix("act_")
    fields = [("grant", form["grant"]), ("csrf", "0" * 64), ("account", account)]
    forged = await browser.go("POST", f"{APP_URL}/connect/meta/accounts", fields)
    assert forged.status_code == 403 and "CSRF" in forged.text
    unlisted = await browser.pick(picker, ["act_999999999"])
    assert unlisted.status_code == 400 and "listed" in unlisted.text
    stranger = browser.stranger()
    other = await stranger.pick(picker, [account])
    await stranger.client.aclose()
    assert other.status_code == 400
    assert await count(h, "select count(*) from meta_sync.meta_connections") == 0
    assert await count(h, "select count(*) from meta_sync.oauth_grants where used_at is null") == 1
    assert (await browser.pick(picker, [account])).status_code == 303  # still pickable


async def test_start_needs_the_operator_and_a_known_organisation(
    world: tuple[Harness, Browser],
) -> None:
    h, browser = world
    anonymous = await browser.client.get(f"{APP_URL}/connect/meta", params={"org": "Acme"})
    assert anonymous.status_code == 401
    unknown = await browser.start("Nobody")
    assert unknown.status_code == 404 and "No organisation" in unknown.text
    assert await count(h, "select count(*) from meta_sync.oauth_states") == 0


async def test_callbacks_refuse_tampered_requests_and_unknown_users(
    world: tuple[Harness, Browser],
) -> None:
    h, browser = world
    secret = h.emu.credentials["app_secret"]
    url = f"{APP_URL}/connect/meta/deauthorize"
    unknown = signed_request(secret, callback_payload("1234567890", 1))
    answer = await browser.client.post(url, data={"signed_request": unknown})
    assert answer.status_code == 404 and "no connection of Meta user" in answer.text
    wrong_key = signed_request("not-the-app-secret", callback_payload("1234567890", 1))
    answer = await browser.client.post(url, data={"signed_request": wrong_key})
    assert answer.status_code == 400 and "signature" in answer.text
    other_alg = signed_request(secret, {"algorithm": "none", "user_id": "1"})
    answer = await browser.client.post(f"{APP_URL}/connect/meta/deletion",
                                       data={"signed_request": other_alg})  # fmt: skip
    assert answer.status_code == 400 and "HMAC-SHA256" in answer.text
    garbage = await browser.client.post(url, data={"signed_request": "%%%.###"})
    assert garbage.status_code == 400
    status = await browser.client.get(f"{APP_URL}/connect/meta/deletion/no-such-code-000000")
    assert status.status_code == 404
    assert await count(h, "select count(*) from meta_sync.data_deletion_requests") == 0
