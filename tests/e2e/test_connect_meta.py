"""Connect with Meta end to end over HTTP: metasync serve's /connect/meta routes, the emulator's
login dialog and Graph API, a real migrated database and the worker.

A scripted browser (httpx, one cookie jar, redirects followed and recorded) plays the person;
every URL, page and log line it produced is checked for tokens and codes at the end.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.connect_browser import (
    APP_URL,
    OPERATOR,
    Browser,
    app_settings,
    inputs,
    open_browser,
)
from tests.support.e2e_harness import Harness

SCOPES = ["ads_read", "business_management"]


@pytest.fixture
async def world(make_harness: Callable[..., Any]) -> AsyncIterator[tuple[Harness, Browser]]:
    h = await make_harness("agency")
    browser = open_browser(h, app_settings(h))
    async with h.pool.connection() as conn:
        await conn.execute("insert into meta_sync.organizations (name) values ('Acme'), ('Other')")
    yield h, browser
    await browser.client.aclose()


def tokens_of(h: Harness) -> list[str]:
    """Every user token the emulator issued (short- and long-lived)."""
    return [t for t, tok in h.emu.runtime.creds.tokens.items() if tok.user_id]


def secrets_of(h: Harness) -> list[str]:
    """The tokens and every code the dialog handed out."""
    return tokens_of(h) + list(h.emu.runtime.creds.oauth.codes)


def _browsers_own(record: logging.LogRecord) -> bool:
    """The scripted browser's own httpx lines (the browser's history, not the server's log)."""
    message = record.getMessage()
    return record.name == "httpx" and (f"Request: GET {APP_URL}" in message
                                       or "/dialog/oauth" in message)  # fmt: skip


def assert_no_secret(h: Harness, browser: Browser, caplog: pytest.LogCaptureFixture) -> None:
    """No token in any URL, page, cookie or log line; a code only in Meta's redirect back (as
    OAuth has it: single use, and used at once), never in a page or a log line."""
    seen, pages = browser.text(), browser.text(bodies=True)
    logs = "\n".join(r.getMessage() for r in caplog.records if not _browsers_own(r))
    assert h.emu.runtime.creds.oauth.codes, "the check would check nothing"
    for token in tokens_of(h):
        assert token not in seen, "a token reached a URL, a page or a cookie"
    for secret in secrets_of(h):
        assert secret not in pages, "a token or code reached a page"
        assert secret not in logs, "a token or code reached a log line"


async def connect(browser: Browser, org: str = "Acme", user: str = "alice",
                  grant: list[str] | None = None) -> Any:  # fmt: skip
    dialog = await browser.start(org)
    assert dialog.status_code == 200, dialog.text
    return await browser.dialog(dialog, user=user, grant=grant)


async def count(h: Harness, sql: str, *args: Any) -> int:
    return int((await h.fetch(sql, *args))[0][0])


async def test_connect_pick_two_accounts_phase_1_reaches_100(
    world: tuple[Harness, Browser], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    h, browser = world
    picker = await connect(browser)
    assert picker.status_code == 200 and "Pick ad accounts" in picker.text, picker.text
    boxes = [i["value"] for i in inputs(picker.text) if i.get("name") == "account"]
    assert len(boxes) == 50, "every page of /me/adaccounts is listed"
    assert h.emu.stats["by_kind"] == {
        "oauth/access_token": 2,
        "debug_token": 1,
        "me/permissions": 1,
        "me/adaccounts": 2,
    }, "code exchange, long-lived exchange, debug_token, permissions, two pages of accounts"
    done = await browser.pick(picker, boxes[:2])
    assert done.status_code == 303
    job = int(done.headers["location"].rsplit("/", 1)[1])
    rows = await h.fetch(
        "select token_type, meta_user_id, scopes, expires_at, data_access_expires_at,"
        " token_ciphertext from meta_sync.meta_connections"
    )
    assert len(rows) == 1
    token_type, user, scopes, expires, data_access, ciphertext = rows[0]
    assert token_type == "user" and user == h.emu.test_user_id("alice")
    assert sorted(scopes) == SCOPES and expires > h.emu.clock.now() + timedelta(days=50)
    assert data_access is not None
    assert all(s.encode() not in bytes(ciphertext) for s in secrets_of(h)), "stored encrypted"
    await h.drain()
    progress = await h.fetch("select status, progress_percentage from meta_sync.sync_jobs"
                             " where id = %s", job)  # fmt: skip
    assert progress[0][0] == "completed" and float(progress[0][1]) == 100.0
    assert await count(h, "select count(*) from meta_sync.meta_ad_accounts"
                          " where phase_1_completed_at is not null") == 2  # fmt: skip
    again = await connect(browser)
    checked = [i["value"] for i in inputs(again.text) if "checked" in i]
    assert checked == boxes[:2], "the picker shows which accounts are connected already"
    assert_no_secret(h, browser, caplog)


async def test_declined_permission_then_ask_again(world: tuple[Harness, Browser]) -> None:
    h, browser = world
    page = await connect(browser, grant=["ads_read"])
    assert page.status_code == 403 and "business_management" in page.text
    assert await count(h, "select count(*) from meta_sync.meta_connections") == 0
    assert await count(h, "select count(*) from meta_sync.oauth_grants") == 0
    ask = next(i for i in page.text.split('"') if "rerequest=1" in i).replace("&amp;", "&")
    dialog = await browser.start(**{k: v[0] for k, v in parse_qs(urlsplit(ask).query).items()})
    assert "auth_type=rerequest" in str(dialog.url)
    assert 'value="business_management" checked' in dialog.text
    picker = await browser.dialog(dialog)
    assert picker.status_code == 200 and "Pick ad accounts" in picker.text


async def test_cancel_shows_a_page_and_stores_nothing(world: tuple[Harness, Browser]) -> None:
    h, browser = world
    dialog = await browser.start("acme")  # organisation names match case-insensitively
    page = await browser.dialog(dialog, action="cancel")
    assert page.status_code == 200 and "Login cancelled" in page.text
    assert await count(h, "select count(*) from meta_sync.meta_connections") == 0
    assert await count(h, "select count(*) from meta_sync.oauth_states where used_at is null") == 0


async def test_second_organisation_cannot_take_an_account(world: tuple[Harness, Browser]) -> None:
    h, browser = world
    picker = await connect(browser)
    account = next(i["value"] for i in inputs(picker.text) if i.get("name") == "account")
    await browser.pick(picker, [account])
    other = await connect(browser, org="Other", user="bob")
    row = next(i for i in inputs(other.text) if i.get("value") == account)
    assert "disabled" in row and "belongs to organisation Acme" in other.text
    refused = await browser.pick(other, [account])  # a crafted post, past the disabled box
    assert refused.status_code == 409 and f"{account} belongs to organisation Acme" in refused.text
    owners = await h.fetch("select o.name from meta_sync.meta_ad_accounts a join"
                           " meta_sync.organizations o on o.id = a.organization_id")  # fmt: skip
    assert owners == [("Acme",)]
    assert await count(h, "select count(*) from meta_sync.meta_connections c join"
                          " meta_sync.organizations o on o.id = c.organization_id"
                          " where o.name = 'Other'") == 0  # fmt: skip
    assert await count(h, "select count(*) from meta_sync.oauth_grants where used_at is null") == 1


async def test_reconnect_replaces_an_expired_token_and_waiting_jobs_finish(
    world: tuple[Harness, Browser],
) -> None:
    h, browser = world
    picker = await connect(browser)
    accounts = [i["value"] for i in inputs(picker.text) if i.get("name") == "account"][:2]
    await browser.pick(picker, accounts)
    (connection,) = (await h.fetch("select id from meta_sync.meta_connections"))[0]
    h.emu.advance(timedelta(days=61))  # the long-lived token expires: Meta answers 190
    await h.drain()
    assert (await h.fetch("select status from meta_sync.meta_connections"))[0][0] == "expired"
    waiting = await count(h, "select count(*) from meta_sync.sync_jobs where status in"
                             " ('pending', 'in_progress')")  # fmt: skip
    assert waiting >= 2
    listed = await browser.go("GET", f"{APP_URL}/connect/meta/attention",
                              headers={"authorization": f"Bearer {OPERATOR}"})  # fmt: skip
    assert f'data-connection="{connection}"' in listed.text and "expired" in listed.text
    acme = (await h.fetch("select id from meta_sync.organizations where name = 'Acme'"))[0][0]
    dialog = await browser.start(str(acme), connection=str(connection))
    page = await browser.dialog(dialog)
    assert page.status_code == 200 and "Reconnected" in page.text, page.text
    assert await count(h, "select count(*) from meta_sync.meta_connections") == 1
    await h.drain()
    assert await count(h, "select count(*) from meta_sync.sync_jobs where status in"
                          " ('pending', 'in_progress', 'failed')") == 0  # fmt: skip
    assert await count(h, "select count(*) from meta_sync.meta_ad_accounts"
                          " where phase_1_completed_at is not null") == 2  # fmt: skip


async def test_deauthorize_and_data_deletion(world: tuple[Harness, Browser]) -> None:
    h, browser = world
    async with h.pool.connection() as conn:
        await conn.execute("update meta_sync.organizations set meta_data_deletion ="
                           " 'tokens_and_data' where name = 'Acme'")  # fmt: skip
    picker = await connect(browser)
    accounts = [i["value"] for i in inputs(picker.text) if i.get("name") == "account"][:2]
    await browser.pick(picker, accounts)
    await h.drain()
    user = h.emu.test_user_id("alice")
    app_transport = browser.app_transport
    report = await h.emu.send_deauthorize(f"{APP_URL}/connect/meta/deauthorize", user,
                                          transport=app_transport)  # fmt: skip
    assert report["status"] == 200 and report["body"] == {"revoked": 1}
    assert (await h.fetch("select status from meta_sync.meta_connections"))[0][0] == "revoked"
    tampered = await h.emu.send_data_deletion(f"{APP_URL}/connect/meta/deletion", user,
                                              tamper=True, transport=app_transport)  # fmt: skip
    assert tampered["status"] == 400
    assert await count(h, "select count(*) from meta_sync.meta_connections") == 1
    deletion = await h.emu.send_data_deletion(f"{APP_URL}/connect/meta/deletion", user,
                                              transport=app_transport)  # fmt: skip
    assert deletion["status"] == 200
    body = deletion["body"]
    assert body["url"] == f"{APP_URL}/connect/meta/deletion/{body['confirmation_code']}"
    assert await count(h, "select count(*) from meta_sync.meta_connections") == 0
    assert await count(h, "select count(*) from meta_sync.meta_ad_accounts") == 0
    assert await count(h, "select count(*) from meta_sync.meta_insights_daily") == 0
    status = await browser.go("GET", body["url"])
    assert status.status_code == 200 and "completed" in status.text
    assert "1 Meta connection(s)" in status.text and "2 ad account(s)" in status.text
    unknown = await h.emu.send_data_deletion(f"{APP_URL}/connect/meta/deletion", user,
                                             transport=app_transport)  # fmt: skip
    assert unknown["status"] == 404
    assert await count(h, "select count(*) from meta_sync.data_deletion_requests") == 1
