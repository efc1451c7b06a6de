"""The console in a real browser: Debian's chromium driven by Playwright, against uvicorn.

Each test saves a screenshot of its page in test-output/console/ (METASYNC_TEST_OUTPUT)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from playwright.async_api import Browser, Page, expect

from tests.console.console_helpers import MEMBER_A, OPERATOR_TOKEN, user_jwt
from tests.console.live import Live

Shot = Callable[[Page], Awaitable[Path]]


async def signed_in(
    browser: Browser, live: Live, token: str, path: str = "/console", width: int = 1280
) -> Page:
    """A new page signed in through the login form, at ``path``."""
    page = await browser.new_page(viewport={"width": width, "height": 900})
    await page.goto(f"{live.url}{path}")
    await expect(page.locator("h1")).to_have_text("Sign in to the meta-sync console")
    await page.fill("#token", token)
    await page.press("#token", "Enter")
    await page.wait_for_url(f"{live.url}{path}")
    return page


def status_tier(conn: psycopg.Connection, account: str) -> str:
    row = conn.execute(
        "select tier::text from meta_sync.meta_sync_status where account_id = %s", (account,)
    ).fetchone()
    assert row is not None
    return str(row[0])


async def test_the_operator_changes_a_tier(
    live: Live, browser: Browser, conn: psycopg.Connection, screenshot: Shot
) -> None:
    page = await signed_in(browser, live, OPERATOR_TOKEN)
    row = page.locator('tr[data-account="act_1002"]')
    await row.locator("select").select_option("high")
    await row.get_by_role("button", name="Set the tier of act_1002").click()
    await expect(page.locator(".notice")).to_have_text("act_1002: tier set to high")
    await expect(page.locator('tr[data-account="act_1002"] select')).to_have_value("high")
    assert status_tier(conn, "act_1002") == "high"
    await screenshot(page)


async def test_a_future_until_is_refused_next_to_the_field(
    live: Live, browser: Browser, conn: psycopg.Connection, screenshot: Shot
) -> None:
    page = await signed_in(browser, live, OPERATOR_TOKEN, "/console/accounts/act_1001")
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()
    await page.fill("#manual-since", str(today - timedelta(days=3)))
    await page.fill("#manual-until", str(today + timedelta(days=2)))
    await page.get_by_role("button", name="Request the sync").click()
    error = page.locator("#manual-until-error")
    await expect(error).to_contain_text(f"until {today + timedelta(days=2)} is in the future")
    # next to its field: in the field's box, and the field points to it
    await expect(page.locator(".field", has=page.locator("#manual-until"))).to_contain_text(
        "is in the future"
    )
    await expect(page.locator("#manual-until")).to_have_attribute(
        "aria-describedby", "manual-until-error"
    )
    await expect(page.locator("#manual-until")).to_have_value(str(today + timedelta(days=2)))
    row = conn.execute("select count(*) from meta_sync.sync_jobs where sync_phase = 'manual'")
    assert row.fetchone() == (0,)
    await screenshot(page)


async def test_a_member_cannot_open_or_act_on_another_organisation(
    live: Live, browser: Browser, world: dict[str, int], screenshot: Shot
) -> None:
    page = await signed_in(browser, live, user_jwt(MEMBER_A))
    await expect(page.locator("tr[data-account]")).to_have_count(3)
    await expect(page.locator("text=Brand B")).to_have_count(0)
    # the member's own account: readable, no actions
    await page.goto(f"{live.url}/console/accounts/act_1001")
    await expect(page.locator("h2", has_text="Actions")).to_have_count(0)
    answers = []
    for path in (
        "/console/accounts/act_2001",
        "/console/accounts/act_9999999",
        f"/console/jobs/{world['act_2001']}",
        "/console/jobs/99999999",
    ):
        response = await page.goto(f"{live.url}{path}")
        assert response is not None and response.status == 404
        await expect(page.locator("h1")).to_have_text("Not found")
        answers.append(await page.locator("main").inner_text())
    assert answers[0] == answers[1] and answers[2] == answers[3]
    await screenshot(page)
    # acting from the page anyway (the member's own session and CSRF token) is refused
    status = await page.evaluate(
        """async () => {
             const csrf = document.querySelector('input[name=csrf]').value;
             const r = await fetch('/console/accounts/act_2001/pause', {method: 'POST',
               headers: {'Content-Type': 'application/x-www-form-urlencoded'},
               body: 'csrf=' + csrf});
             return r.status; }"""
    )
    assert status == 404


async def test_the_accounts_page_works_by_keyboard_alone(
    live: Live, browser: Browser, conn: psycopg.Connection, screenshot: Shot
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{live.url}/console")
    await expect(page.locator("#token")).to_be_focused()  # the sign-in page focuses it
    await page.keyboard.type(OPERATOR_TOKEN)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{live.url}/console")

    async def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            await page.keyboard.press("Tab")
            if await page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    await tab_to("#f-q")
    await page.keyboard.type("act_1003")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**q=act_1003**")
    await expect(page.locator("tr[data-account]")).to_have_count(1)
    await tab_to("#tier-act_1003")
    await page.keyboard.press("ArrowUp")  # medium -> high
    await expect(page.locator("#tier-act_1003")).to_have_value("high")
    await page.keyboard.press("Tab")  # the Set button
    await page.keyboard.press("Enter")
    await expect(page.locator(".notice")).to_have_text("act_1003: tier set to high")
    assert status_tier(conn, "act_1003") == "high"
    await tab_to('a[href="/console/accounts/act_1003"]')
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{live.url}/console/accounts/act_1003")
    await expect(page.locator("h1")).to_contain_text("act_1003")
    await screenshot(page)


async def test_the_pages_fit_a_360_px_phone(live: Live, browser: Browser, screenshot: Shot) -> None:
    page = await signed_in(browser, live, OPERATOR_TOKEN, width=360)
    for path in ("/console", "/console/accounts/act_1001", "/console/analytics"):
        await page.goto(f"{live.url}{path}")
        # wide tables scroll inside their box; the page itself never scrolls sideways
        overflow = await page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, (path, overflow)
    await page.goto(f"{live.url}/console")
    await screenshot(page)
