"""The console in-process (httpx.ASGITransport) against a fresh migrated, seeded database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

from metasync.server.app import create_app
from metasync.settings import Settings
from tests.console.console_helpers import JWT_SECRET, OPERATOR_TOKEN, seed_world
from tests.console.live import Live, serve


@pytest.fixture
def console_settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        console_token=SecretStr(OPERATOR_TOKEN),
        supabase_jwt_secret=SecretStr(JWT_SECRET),
        console_page_size=5,
    )


@pytest.fixture
def world(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return seed_world(conn)


@pytest.fixture
async def console_pool(database_url: str) -> AsyncIterator[AsyncConnectionPool[Any]]:
    async with AsyncConnectionPool(
        database_url, min_size=1, max_size=6, kwargs={"autocommit": True}, open=False
    ) as opened:
        yield opened


@pytest.fixture
async def app(console_settings: Settings, console_pool: AsyncConnectionPool[Any]) -> Any:
    return create_app(console_settings, console_pool, sweep_seconds=None)


@pytest.fixture
async def client(app: Any, world: dict[str, int]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console.test") as c:
        yield c
    await app.state.console.hub.stop()


@pytest.fixture
def live(console_settings: Settings, database_url: str, world: dict[str, int]) -> Iterator[Live]:
    """The console served by uvicorn on a free port, on the seeded two-organisation world."""
    with serve(console_settings, database_url) as running:
        yield running


# --- the browser ------------------------------------------------------------------------------
expect.set_options(timeout=15_000)  # a loaded CI machine: assertions wait up to 15 s
CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
OUTPUT = Path(os.environ.get("METASYNC_TEST_OUTPUT", Path(__file__).parents[2] / "test-output"))


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    if not HAVE_CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: scripts/bootstrap (as root) installs it")
        pytest.skip("Debian's chromium is not installed (scripts/bootstrap as root installs it)")
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page], Awaitable[Path]]:
    """Save the page as test-output/console/<test name>.png (the run's output folder)."""

    async def save(page: Page, suffix: str = "") -> Path:
        folder = OUTPUT / "console"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{request.node.name}{suffix}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return save


# --- a worker against the emulator (the end-to-end harness) ------------------------------------
from tests.support.e2e_harness import BASE_URL, START, Harness, fast_config  # noqa: E402


@pytest.fixture
async def make_harness(database_url: str) -> AsyncIterator[Callable[..., Awaitable[Harness]]]:
    """The e2e harness (emulator in process, Workers, the test's database)."""
    from meta_emulator import Emulator, EmulatorConfig
    from metasync.crypto import TokenCipher, generate_key

    opened: list[tuple[AsyncConnectionPool[Any], httpx.AsyncClient]] = []

    async def make(world: str = "small", config: EmulatorConfig | None = None) -> Harness:
        emu = Emulator(world=world, seed=1, config=config or fast_config(), clock=START)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=emu.app), base_url=BASE_URL)
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            database_url, min_size=1, max_size=8, open=False
        )
        await pool.open()
        opened.append((pool, http))
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            graph_base_url=BASE_URL,
            meta_app_secret=emu.credentials["app_secret"],
            worker_concurrency=4,
            poll_interval_seconds=0.2,
            report_poll_seconds=0.02,
        )
        return Harness(emu, pool, http, settings, TokenCipher({"k1": generate_key()}, "k1"))

    yield make
    for pool, http in opened:
        await http.aclose()
        await pool.close()
