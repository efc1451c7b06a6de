"""A full sync with every log captured, then the emulator's signed webhooks into `metasync serve`:
no token or secret in the logs or in a pg_dump; duplicate deliveries stored and processed once."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from metasync.logging import configure_logging
from metasync.redaction import clear_registered_secrets
from metasync.server.app import create_app
from tests.support.e2e_harness import Harness, fast_config

PG_DUMP = "/usr/lib/postgresql/15/bin/pg_dump"


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG", stream=stream)
    for chatty in ("httpx", "httpcore"):  # their DEBUG/INFO lines carry full URLs: keep them
        logging.getLogger(chatty).setLevel(logging.DEBUG)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    clear_registered_secrets()


async def pg_dump(database_url: str) -> bytes:
    proc = await asyncio.create_subprocess_exec(
        PG_DUMP, "--dbname", database_url, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out


async def test_full_sync_and_webhooks_leak_no_secret(
    make_harness: Callable[..., Any], captured_logs: io.StringIO, database_url: str
) -> None:
    config = fast_config(webhook_duplicate_rate=1.0, webhook_retry_delays_s=(0.0,))
    h: Harness = await make_harness("small", config=config)
    token = h.emu.credentials["access_token"]
    app_secret = h.emu.credentials["app_secret"]
    await h.connect()
    stats = await h.drain()
    assert stats.outcomes["completed"] > 0

    # meta_app_secret is the emulator's; time is the emulator clock, as for the worker
    app = create_app(h.settings, h.pool, sweep_seconds=None, clock=h.emu.clock.now)
    account = h.accounts[0]
    report = await h.emu.deliver_webhooks(
        "http://serve.test/webhooks/meta", account, count=3, transport=httpx.ASGITransport(app=app)
    )
    assert report["delivered"] and report["duplicate"] and report["attempts"] == [200, 200]
    changes = report["payload"]["entry"][0]["changes"]
    events = await h.fetch(
        "select value ->> 'id', status from meta_sync.webhook_events order by id"
    )
    assert events == [(c["value"]["id"], "processed") for c in changes]
    ads = await h.fetch(
        "select effective_status, issues_info -> 0 ->> 'error_code' from meta_sync.meta_ads"
        " where id = any(%s)",
        [c["value"]["id"] for c in changes],
    )
    assert ads == [("WITH_ISSUES", "1815869")] * len(changes)
    jobs = await h.fetch(
        "select status::text from meta_sync.sync_jobs where sync_phase = 'webhook'"
    )
    assert jobs == [("pending",)]
    await h.drain()  # the worker runs the targeted structure re-sync
    jobs = await h.fetch(
        "select status::text from meta_sync.sync_jobs where sync_phase = 'webhook'"
    )
    assert jobs == [("completed",)]

    logs = captured_logs.getvalue()
    assert "webhook stored" in logs and len(logs.splitlines()) > 10
    for secret in (token, app_secret):
        assert secret not in logs
    dump = await pg_dump(database_url)
    assert b"meta_connections" in dump
    assert token.encode() not in dump
    assert app_secret.encode() not in dump
