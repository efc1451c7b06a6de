"""``kill -9`` of real ``metasync run`` processes at random (seeded) moments during onboarding.

The moments are counted in completed chunks, not seconds (a kill after 1 to 3 more chunks have
completed), so every kill lands while onboarding is in progress however fast the machine is.

Each killed worker is restarted at once. Its chunks stay leased until the (short) lease expires;
another worker then requeues and redoes them idempotently. In the end the database equals Meta's
ground truth (entities and every ad-day metric), with no duplicate row, no chunk left open and
no gap in the covered date ranges.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from meta_emulator.serving import EmulatorProcess
from metasync.crypto import TokenCipher, generate_key
from tests.support.fleet import (
    KEY_ID,
    WorkerProcesses,
    completed_chunks,
    connect_world,
    integrity,
    open_work,
    wait_final,
)

LEASE_SECONDS = 10


async def wait_for_progress(database_url: str, chunks: int) -> bool:
    """Until ``chunks`` more chunks have completed (True) or no work is open (False)."""
    target = await completed_chunks(database_url) + chunks
    while await completed_chunks(database_url) < target:
        if not await open_work(database_url):
            return False
        await asyncio.sleep(0.05)
    return True


async def kill_during_onboarding(
    database_url: str, log_dir: Path, *, accounts: int, kills: int, seed: int,
    latency_ms: float = 30.0, every: tuple[int, int] = (1, 3),
) -> int:  # fmt: skip
    emu = EmulatorProcess("agency", latency_ms=latency_ms, jitter_ms=latency_ms,
                          report_run_s=1.0, log_dir=log_dir)  # fmt: skip
    try:
        key = generate_key()
        ids = await connect_world(database_url, emu, TokenCipher({KEY_ID: key}, KEY_ID), accounts)
        fleet = WorkerProcesses(database_url, emu, key, log_dir, concurrency=4,
                                lease_seconds=LEASE_SECONDS)  # fmt: skip
        for slot in range(2):
            fleet.start(slot)
        r = random.Random(seed)
        done = 0
        try:
            while done < kills and await wait_for_progress(database_url, r.randint(*every)):
                slot = r.choice(fleet.alive())
                fleet.kill9(slot)
                fleet.start(slot)
                done += 1
            await wait_final(database_url, 600)
        finally:
            fleet.stop_all()
        problems = await integrity(database_url, emu, ids)
        assert not problems, problems
        return done
    finally:
        emu.stop()


async def test_kill9_workers_reduced(database_url: str, tmp_path: Path) -> None:
    done = await kill_during_onboarding(database_url, tmp_path, accounts=3, kills=4, seed=6)
    assert done == 4, f"onboarding ended after {done} kills: the test did not stress it"


@pytest.mark.chaos_full
@pytest.mark.timeout(1500)
async def test_kill9_workers_full(database_url: str, tmp_path: Path) -> None:
    done = await kill_during_onboarding(database_url, tmp_path, accounts=50, kills=24, seed=66,
                                        latency_ms=80.0, every=(1, 4))  # fmt: skip
    assert done == 24, f"onboarding ended after {done} kills: the test did not stress it"
