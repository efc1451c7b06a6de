"""PostgreSQL restarted mid-sync: the worker processes reconnect by themselves and finish.

A dedicated throwaway cluster (never the session's one): it is stopped (``pg_ctl stop -m fast``)
and started again while two ``metasync run`` processes are onboarding. The workers are not
restarted; the database must end equal to ground truth with nothing left open.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from meta_emulator.serving import EmulatorProcess
from metasync.crypto import TokenCipher, generate_key
from metasync.postgres.embedded import EmbeddedPostgres
from metasync.postgres.migrate import migrate
from tests.support.fleet import (
    KEY_ID,
    WorkerProcesses,
    completed_chunks,
    connect_world,
    integrity,
    wait_final,
)


async def test_postgres_restart_mid_sync(own_cluster: EmbeddedPostgres, tmp_path: Path) -> None:
    url = own_cluster.url
    migrate(url)
    emu = EmulatorProcess("agency", latency_ms=30, jitter_ms=40, report_run_s=1.0,
                          log_dir=tmp_path)  # fmt: skip
    try:
        key = generate_key()
        ids = await connect_world(url, emu, TokenCipher({KEY_ID: key}, KEY_ID), 2)
        fleet = WorkerProcesses(url, emu, key, tmp_path, concurrency=4, lease_seconds=10)
        for slot in range(2):
            fleet.start(slot)
        try:
            for _ in range(600):  # the restart must hit an onboarding in progress
                if await completed_chunks(url) >= 3:
                    break
                await asyncio.sleep(0.5)
            await asyncio.to_thread(own_cluster.stop)
            await asyncio.sleep(2)
            await asyncio.to_thread(own_cluster.ensure_running)
            await wait_final(url, 300)
            assert sorted(fleet.alive()) == [0, 1], "a worker process died with the database"
            assert fleet.starts == 2
        finally:
            fleet.stop_all()
        problems = await integrity(url, emu, ids)
        assert not problems, problems
    finally:
        emu.stop()
