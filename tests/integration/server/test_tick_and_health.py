"""POST /tick (bearer token, enqueue_due_syncs, NOTIFY meta_sync_wake) and GET /healthz."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import psycopg
import pytest

from metasync.server.app import create_app
from metasync.settings import Settings
from tests.support.server_helpers import TICK_TOKEN, count, seed_account

AConn = psycopg.AsyncConnection[Any]
JOBS = "select count(*) from meta_sync.sync_jobs"


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", f"Bearer {TICK_TOKEN}x", f"Basic {TICK_TOKEN}", "Bearer wrong-token"],
)
async def test_tick_refuses_without_the_token(
    client: httpx.AsyncClient, aconn: AConn, authorization: str | None
) -> None:
    await seed_account(aconn)
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.post("/tick", headers=headers)
    assert response.status_code == 401
    assert await count(aconn, JOBS) == 0


async def test_tick_enqueues_and_wakes_workers(
    client: httpx.AsyncClient, aconn: AConn, database_url: str
) -> None:
    org = await seed_account(aconn)
    await aconn.execute(
        "with c as (insert into meta_sync.meta_connections"
        "  (organization_id, token_ciphertext, token_key_id) values (%s, '\\x00', 'k1')"
        "  returning id)"
        " update meta_sync.meta_ad_accounts set connection_id = (select id from c)",
        (org,),
    )
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as listener:
        await listener.execute("listen meta_sync_wake")
        response = await client.post("/tick", headers={"Authorization": f"Bearer {TICK_TOKEN}"})
        assert response.status_code == 200
        notice = await asyncio.wait_for(anext(listener.notifies()), timeout=5)
    assert notice.channel == "meta_sync_wake"
    enqueued = response.json()["enqueued"]
    assert enqueued == await count(aconn, JOBS)
    assert enqueued >= 1  # the new account is due for onboarding
    again = await client.post("/tick", headers={"Authorization": f"Bearer {TICK_TOKEN}"})
    assert again.json()["enqueued"] == 0  # nothing is due twice


async def test_tick_without_a_configured_token_is_closed(settings: Settings, pool: Any) -> None:
    app = create_app(settings.model_copy(update={"tick_token": None}), pool, sweep_seconds=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.post("/tick", headers={"Authorization": "Bearer "})
    assert response.status_code == 503


async def test_healthz_reports_the_database(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    down = create_app(settings, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1",
                      sweep_seconds=None)  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=down), base_url="http://t") as c:
        response = await c.get("/healthz")
    await down.state.context.db.close()
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
