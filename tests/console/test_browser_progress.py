"""A job page follows a real onboarding live: a worker syncs the emulator's account while the
browser watches phase 1 go from 0 to 100 % without a reload, then the history (phase 2)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from metasync.settings import Settings
from tests.console.console_helpers import OPERATOR_TOKEN
from tests.console.live import Live, serve
from tests.support.e2e_harness import fast_config

Shot = Callable[..., Awaitable[Path]]

RECORD = """() => {
  window.__seen = [];
  window.__marker = 'same page';
  const pct = document.querySelector('#main-job [data-field="pct"]');
  new MutationObserver(() => window.__seen.push(pct.textContent)).observe(
    pct, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture
def bare_live(console_settings: Settings, database_url: str) -> Iterator[Live]:
    with serve(console_settings, database_url) as running:
        yield running


async def test_a_job_page_follows_phase_1_to_100_percent_then_phase_2(
    bare_live: Live, browser: Browser, make_harness: Callable[..., Any], screenshot: Shot
) -> None:
    # ~40 ms per Graph call and one chunk at a time: phase 1 takes a few seconds to watch
    h = await make_harness("small", config=fast_config(latency_ms=40))
    await h.connect()
    (job,) = (r[0] for r in await h.fetch("select id from meta_sync.sync_jobs"))
    page = await browser.new_page(viewport={"width": 1024, "height": 900})
    await page.goto(f"{bare_live.url}/console/jobs/{job}")
    await page.fill("#token", OPERATOR_TOKEN)
    await page.press("#token", "Enter")
    await page.wait_for_url(f"{bare_live.url}/console/jobs/{job}")
    pct = page.locator('#main-job [data-field="pct"]')
    await expect(pct).to_have_text("0 %")
    await expect(page.locator("#handover")).to_be_hidden()
    await page.evaluate(RECORD)
    await page.wait_for_function("document.body.dataset.live === 'connected'")
    await asyncio.sleep(0.3)  # the stream is open before the first chunk commits

    worker = asyncio.create_task(h.drain(h.worker(worker_per_account_concurrency=1)))
    await expect(pct).to_have_text("100 %", timeout=60_000)
    await expect(page.locator('#main-job [data-field="status"]')).to_have_text("completed")
    seen = await page.evaluate("window.__seen")
    between = [s for s in seen if s not in ("0 %", "100 %")]
    assert len(between) >= 3, seen  # it moved step by step, live
    assert await page.evaluate("window.__marker") == "same page"  # no reload
    await expect(page.locator("#handover")).to_be_visible()
    await expect(page.locator("#handover")).to_contain_text("Recent data is ready")
    await screenshot(page, "-phase-1")

    await worker
    follow = page.locator('#handover [data-field="status"]')
    await expect(follow).to_have_text("completed", timeout=30_000)
    await expect(page.locator('#handover [data-field="pct"]')).to_have_text("100 %")
    assert await page.evaluate("window.__marker") == "same page"
    (phase_2,) = (
        r[0]
        for r in await h.fetch(
            "select id from meta_sync.sync_jobs where sync_phase = 'historical_backfill'"
        )
    )
    await expect(page.locator('#handover [data-field="follow-link"]')).to_have_attribute(
        "href", f"/console/jobs/{phase_2}"
    )
    await screenshot(page, "-phase-2")
    badge = await browser.new_page()
    await badge.context.add_cookies(await page.context.cookies())
    await badge.goto(f"{bare_live.url}/console/jobs/{job}/badge")
    await expect(badge.locator('[data-field="label"]')).to_have_text("Synced")
