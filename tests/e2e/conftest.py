"""End-to-end fixtures (the helpers live in ``tests.support.e2e_harness``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from psycopg_pool import AsyncConnectionPool

from meta_emulator import Emulator, EmulatorConfig
from metasync.crypto import TokenCipher, generate_key
from metasync.settings import Settings
from tests.support.e2e_harness import BASE_URL, START, Harness, fast_config


@pytest.fixture
async def make_harness(database_url: str) -> AsyncIterator[Callable[..., Any]]:
    opened: list[tuple[AsyncConnectionPool[Any], httpx.AsyncClient]] = []

    async def make(world: str = "small", config: EmulatorConfig | None = None,
                   clock: datetime = START, **settings: Any) -> Harness:  # fmt: skip
        emu = Emulator(world=world, seed=1, config=config or fast_config(), clock=clock)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=emu.app), base_url=BASE_URL)
        pool = AsyncConnectionPool(database_url, min_size=1, max_size=12, open=False)
        await pool.open()
        opened.append((pool, http))
        base = Settings(_env_file=None, graph_base_url=BASE_URL, graph_api_version="v25.0",
                        meta_app_secret=emu.credentials["app_secret"], worker_concurrency=6,
                        worker_per_account_concurrency=3, poll_interval_seconds=0.2,
                        report_poll_seconds=0.02, insights_async_min_rows=3000)  # type: ignore[call-arg]  # fmt: skip
        cipher = TokenCipher({"k1": generate_key()}, "k1")
        return Harness(emu, pool, http, base.model_copy(update=settings), cipher)

    yield make
    for pool, http in opened:
        await http.aclose()
        await pool.close()
