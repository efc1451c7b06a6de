"""The console in-process (httpx.ASGITransport) against a fresh migrated, seeded database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest
from console_helpers import JWT_SECRET, OPERATOR_TOKEN, seed_world
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

from metasync.server.app import create_app
from metasync.settings import Settings


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
