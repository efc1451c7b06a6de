"""Fault storms (every fault class of the emulator at once) and a token revoked mid-sync.

In process: the emulator over ASGI with its clock frozen, workers with an injected clock that
the test moves forward (by 16 minutes) only when every open chunk waits on a backoff, so
throttled accounts come back without real waiting. Whenever the connection is marked expired
(a token died), a new token is minted at "Meta" and stored: the work resumes. The database
ends equal to ground truth, with nothing left open and no gap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

from meta_emulator import Emulator, EmulatorConfig, Faults
from meta_emulator.auth import Token
from metasync import tokens
from metasync.clock import SimulatedClock
from metasync.crypto import TokenCipher, generate_key
from metasync.graph import GraphClient
from metasync.runner import Worker
from metasync.settings import Settings
from tests.support.e2e_harness import FAST_RETRY
from tests.support.fleet import integrity, open_work, seed_fleet

START = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
BASE_URL = "http://emulator.chaos"
STORM = Faults(transient=0.05, throttle=0.01, token_death=0.002, batch_null=0.05,
               report_failed=0.1, malformed=0.02, short_page=0.05, empty_page=0.05)  # fmt: skip


class HookedTransport(httpx.AsyncBaseTransport):
    """The emulator's ASGI transport with a hook run before each request reaches "Meta"."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0
        self.before: Callable[[int], None] = lambda served: None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.before(self.requests)
        return await self.inner.handle_async_request(request)


@dataclass
class Rig:
    emu: Emulator
    pool: AsyncConnectionPool[Any]
    worker: Worker
    cipher: TokenCipher
    url: str
    accounts: list[str]
    transport: HookedTransport
    offset: timedelta = timedelta()
    renewed: int = 0

    def now(self) -> datetime:
        return START + self.offset

    async def renew_dead_token(self) -> bool:
        """A new token at Meta, stored for the expired connection (re-authorisation)."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "select id from meta_sync.meta_connections where status <> 'active'"
            )
            dead = [row[0] for row in await cur.fetchall()]
            for connection_id in dead:
                self.renewed += 1
                value = f"EAAR{self.renewed:060d}"
                self.emu.runtime.creds.tokens[value] = Token(value, "USER", 0, 0)
                await tokens.replace_token(conn, self.cipher, connection_id, value)
        return bool(dead)

    async def run_until_final(self, passes: int = 400) -> None:
        for _ in range(passes):
            stats = await self.worker.run_once(20)
            if await self.renew_dead_token() or stats.claimed:
                continue
            if not await open_work(self.url):
                return
            self.offset += timedelta(minutes=16)  # everything left waits on a backoff
            assert self.offset < timedelta(hours=3), "backoffs kept the work open for 3 h"
        raise AssertionError("work still open")


@pytest.fixture
async def rig(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    """The first 4 agency accounts (or ``param`` accounts with indirect parametrization)."""
    emu = Emulator("agency", seed=1, config=EmulatorConfig(report_run_s=0.05), clock=START)
    cipher = TokenCipher({"k": generate_key()}, "k")
    settings = Settings(_env_file=None, graph_base_url=BASE_URL, worker_concurrency=8,  # type: ignore[call-arg]
                        meta_app_secret=SecretStr(emu.credentials["app_secret"]),
                        report_poll_seconds=0.02, poll_interval_seconds=0.2)  # fmt: skip
    transport = HookedTransport(httpx.ASGITransport(app=emu.app))
    async with (
        httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http,
        AsyncConnectionPool(database_url, min_size=1, max_size=12, open=False,
                            kwargs={"autocommit": True}) as pool,
    ):  # fmt: skip
        graph = GraphClient.from_settings(http, settings, retry=FAST_RETRY)
        accounts = await seed_fleet(pool, emu, graph, cipher, getattr(request, "param", 4))
        r = Rig(emu, pool, None, cipher, database_url, accounts, transport)  # type: ignore[arg-type]
        clock = SimulatedClock(r.now)
        r.worker = Worker(settings, pool, http, cipher, clock, "chaos", retry=FAST_RETRY)
        yield r


async def test_fault_storm_all_classes(rig: Rig) -> None:
    rig.emu.set_faults(**STORM.as_dict())
    await rig.run_until_final()
    rig.emu.set_faults(**Faults().as_dict())
    stats = rig.emu.stats
    assert stats["failed"] > 0, "the storm did not hit"
    print("storm served:", stats["calls"], "calls,", stats["by_error_code"], "renewed", rig.renewed)
    problems = await integrity(rig.url, rig.emu, rig.accounts)
    assert not problems, problems


@pytest.mark.chaos_full
@pytest.mark.parametrize("rig", [30], indirect=True)
async def test_fault_storm_all_classes_full(rig: Rig) -> None:
    await test_fault_storm_all_classes(rig)


async def test_token_revoked_mid_sync(rig: Rig) -> None:
    """The token dies at "Meta" right before the 40th Graph request of onboarding (counted, so
    it lands mid-sync on any machine): the connection is marked expired, the new token resumes."""
    revoke_at = rig.transport.requests + 40
    revoked: list[int] = []

    def revoke(served: int) -> None:
        if served == revoke_at:
            rig.emu.runtime.creds.kill(rig.emu.credentials["access_token"])
            revoked.append(served)

    rig.transport.before = revoke
    await rig.run_until_final()
    assert revoked, "onboarding finished before the revocation"
    assert rig.renewed >= 1, "the revoked token was never noticed"
    print("requests after the revocation:", rig.transport.requests - revoke_at)
    assert rig.transport.requests > revoke_at + 20, "the work did not resume"
    problems = await integrity(rig.url, rig.emu, rig.accounts)
    assert not problems, problems
