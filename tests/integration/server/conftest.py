"""The endpoint in-process (httpx.ASGITransport) against a fresh migrated database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from psycopg_pool import AsyncConnectionPool

from metasync.server.app import create_app
from metasync.settings import Settings
from tests.support.server_helpers import APP_SECRET, TICK_TOKEN, VERIFY_TOKEN


@pytest.fixture
def settings() -> Settings:
    return Settings(
        meta_app_secret=APP_SECRET,
        webhook_verify_token=VERIFY_TOKEN,
        tick_token=TICK_TOKEN,
        webhook_max_body_bytes=4096,
    )


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[AsyncConnectionPool[Any]]:
    async with AsyncConnectionPool(
        database_url, min_size=1, max_size=4, kwargs={"autocommit": True}, open=False
    ) as opened:
        yield opened


@pytest.fixture
async def client(
    settings: Settings, pool: AsyncConnectionPool[Any]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, pool, sweep_seconds=None)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://meta-sync.test") as c:
        yield c
