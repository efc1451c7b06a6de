"""Connect with Meta in a real browser: Debian's chromium driven by Playwright, metasync serve and
the emulator each served by uvicorn on a free port, the worker against the same emulator.

Each test saves a screenshot of its last page in the test run's output folder
(``$METASYNC_TEST_OUTPUT`` or ``test-output/``, under ``connect/``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from metasync.crypto import TokenCipher
from metasync.server.app import create_app
from tests.support.connect_browser import OPERATOR, app_settings
from tests.support.e2e_harness import Harness

playwright = pytest.importorskip("playwright.async_api")
CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
OUTPUT = Path(os.environ.get("METASYNC_TEST_OUTPUT", Path(__file__).parents[2] / "test-output"))


Live = tuple[Harness, str, Any, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _served(app: Any, port: int | None = None) -> Iterator[str]:
    port = port or _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on",
        timeout_graceful_shutdown=1,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
async def live(make_harness: Callable[..., Any], database_url: str) -> AsyncIterator[Live]:
    """(harness, metasync serve's URL, a Playwright page signed in as the operator, the
    emulator's URL)."""
    if not HAVE_CHROMIUM:
        pytest.skip("Debian's chromium is not installed (scripts/bootstrap as root installs it)")
    h = await make_harness("agency")
    async with h.pool.connection() as conn:
        await conn.execute("insert into meta_sync.organizations (name) values ('Acme')")
    with _served(h.emu.app) as emu_url:
        port = _free_port()
        settings = app_settings(h, graph_base_url=emu_url, oauth_dialog_url=emu_url,
                                public_url=f"http://127.0.0.1:{port}")  # fmt: skip
        h.cipher = TokenCipher.from_settings(settings)
        app = create_app(settings, database_url, sweep_seconds=None, clock=h.emu.clock.now)
        with _served(app, port) as app_url:
            async with playwright.async_playwright() as driver:
                browser = await driver.chromium.launch(executable_path=str(CHROMIUM),
                                                       args=["--no-sandbox"])  # fmt: skip
                context = await browser.new_context(
                    extra_http_headers={"authorization": f"Bearer {OPERATOR}"}
                )
                try:
                    yield h, app_url, await context.new_page(), emu_url
                finally:
                    await browser.close()


async def _shot(page: Any, request: pytest.FixtureRequest) -> None:
    folder = OUTPUT / "connect"
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"{request.node.name}.png"), full_page=True)


async def test_connect_grant_pick_two_in_chromium(
    live: Live, request: pytest.FixtureRequest
) -> None:
    h, app_url, page, _ = live
    expect = playwright.expect
    await page.goto(f"{app_url}/connect/meta?org=Acme")
    await expect(page.get_by_role("heading")).to_contain_text("Log in with Facebook")
    await page.get_by_label("Test user").fill("alice")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Pick ad accounts")).to_be_visible()
    boxes = page.locator('input[name="account"]')
    await expect(boxes).to_have_count(50)
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await _shot(page, request)
    await page.get_by_role("button", name="Connect the picked accounts").click()
    await page.wait_for_url("**/console/jobs/*")
    job = int(page.url.rsplit("/", 1)[1])
    await h.drain()
    rows = await h.fetch("select status, progress_percentage from meta_sync.sync_jobs"
                         " where id = %s", job)  # fmt: skip
    assert rows[0][0] == "completed" and float(rows[0][1]) == 100.0
    assert int((await h.fetch("select count(*) from meta_sync.meta_ad_accounts"
                              " where phase_1_completed_at is not null"))[0][0]) == 2  # fmt: skip


async def test_decline_then_ask_again_and_cancel_in_chromium(
    live: Live, request: pytest.FixtureRequest
) -> None:
    h, app_url, page, _ = live
    expect = playwright.expect
    await page.goto(f"{app_url}/connect/meta?org=Acme")
    await page.get_by_label("business_management").uncheck()
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Permission missing")).to_be_visible()
    await page.get_by_role("link", name="Ask again on Meta").click()
    await expect(page.get_by_label("business_management")).to_be_checked()
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Pick ad accounts")).to_be_visible()
    await page.goto(f"{app_url}/connect/meta?org=Acme")
    await page.get_by_role("button", name="Cancel").click()
    await expect(page.get_by_role("heading", name="Login cancelled")).to_be_visible()
    await _shot(page, request)
    assert int((await h.fetch("select count(*) from meta_sync.meta_connections"))[0][0]) == 0


async def _connect(page: Any, app_url: str, org: str, user: str, pick: int = 0) -> None:
    expect = playwright.expect
    await page.goto(f"{app_url}/connect/meta?org={org}")
    await page.get_by_label("Test user").fill(user)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Pick ad accounts")).to_be_visible()
    for i in range(pick):
        await page.locator('input[name="account"]').nth(i).check()
    if pick:
        await page.get_by_role("button", name="Connect the picked accounts").click()
        await page.wait_for_url("**/console/jobs/*")


async def test_other_organisation_reconnect_deauthorize_and_deletion_in_chromium(
    live: Live, request: pytest.FixtureRequest
) -> None:
    h, app_url, page, emu = live
    expect = playwright.expect
    async with h.pool.connection() as conn:
        await conn.execute("insert into meta_sync.organizations (name, meta_data_deletion)"
                           " values ('Other', 'tokens_and_data')")  # fmt: skip
    await _connect(page, app_url, "Acme", "alice", pick=2)
    await _connect(page, app_url, "Other", "bob")
    first = page.locator('input[name="account"]').nth(0)
    await expect(first).to_be_disabled()
    await expect(page.get_by_text("belongs to organisation Acme").first).to_be_visible()
    await page.locator('input[name="account"]').nth(2).check()
    await page.get_by_role("button", name="Connect the picked accounts").click()
    await page.wait_for_url("**/console/jobs/*")
    # Alice's token expires; her jobs wait; Reconnect from the attention list replaces it.
    h.emu.advance(61 * 86400)
    await h.drain()
    await page.goto(f"{app_url}/connect/meta/attention")
    row = page.locator("tr", has_text="Acme")
    await expect(row).to_contain_text("Acme")
    await row.get_by_role("link", name="Reconnect").click()
    await page.get_by_label("Test user").fill("alice")  # the dialog remembers bob's login
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Reconnected")).to_be_visible()
    await h.drain()
    open_jobs = await h.fetch(
        "select count(*) from meta_sync.sync_jobs j"
        " join meta_sync.meta_ad_accounts a on a.id = j.account_id"
        " join meta_sync.organizations o on o.id = a.organization_id"
        " where o.name = 'Acme' and j.status in ('pending', 'in_progress')"
    )
    assert open_jobs == [(0,)]
    # Bob removes the app, then asks for his data to be deleted (Other deletes synced data).
    bob = h.emu.test_user_id("bob")
    async with httpx.AsyncClient(timeout=30) as http:
        target = {"url": f"{app_url}/connect/meta/deauthorize", "user_id": bob}
        deauth = await http.post(f"{emu}/__emulator/oauth/deauthorize", json=target)
        assert deauth.json()["status"] == 200
        target = {"url": f"{app_url}/connect/meta/deletion", "user_id": bob}
        deletion = await http.post(f"{emu}/__emulator/oauth/data_deletion", json=target)
    body = deletion.json()["body"]
    await page.goto(body["url"])
    await expect(page.get_by_text("completed")).to_be_visible()
    await _shot(page, request)
    owners = await h.fetch(
        "select o.name, count(*) from meta_sync.meta_ad_accounts a"
        " join meta_sync.organizations o on o.id = a.organization_id group by 1"
    )
    assert owners == [("Acme", 2)]
