"""The chaos suite's plumbing: real ``metasync run`` processes, the wait until work is final,
progress counted in chunks, and the integrity check of the end state.

The emulator runs as a subprocess (``meta_emulator.serving.EmulatorProcess``) or in process;
``integrity`` takes either as the source of truth.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

from meta_emulator import Emulator
from meta_emulator.serving import EmulatorProcess
from metasync import tokens
from metasync.connections import connect, fetch_account_metadata, upsert_ad_account
from metasync.crypto import TokenCipher
from metasync.db.accounts import create_organization
from metasync.graph import GraphClient
from metasync.settings import Settings
from metasync.verify import TruthSource, compare_with_truth, merge_ranges, synced_ranges

KEY_ID = "chaos"


def metasync_executable() -> str:
    local = Path(sys.executable).parent / "metasync"
    return str(local) if local.exists() else shutil.which("metasync") or "metasync"


def url_as_uri(url: str) -> str:
    """A ``postgresql://`` URI for child processes' DATABASE_URL (psycopg accepts both)."""
    parts = conninfo_to_dict(url)
    user = parts.get("user", "postgres")
    host = parts.get("host", "127.0.0.1")
    password = f":{parts['password']}" if parts.get("password") else ""
    return f"postgresql://{user}{password}@{host}:{parts.get('port', 5432)}/{parts['dbname']}"


class WorkerProcesses:
    """``metasync run`` subprocesses sharing one database and one emulator."""

    def __init__(self, db_url: str, emu: EmulatorProcess, key: bytes, log_dir: Path,
                 *, concurrency: int = 8, lease_seconds: int = 10) -> None:  # fmt: skip
        creds = emu.credentials()
        self.log_dir = log_dir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("METASYNC_")},
            "DATABASE_URL": url_as_uri(db_url),
            "METASYNC_HOME": str(log_dir),
            "METASYNC_GRAPH_BASE_URL": emu.url,
            "METASYNC_META_APP_ID": str(creds["app_id"]),
            "METASYNC_META_APP_SECRET": str(creds["app_secret"]),
            "METASYNC_TOKEN_KEYS": f"{KEY_ID}:{base64.b64encode(key).decode()}",
            "METASYNC_TOKEN_KEY_ID": KEY_ID,
            "METASYNC_LEASE_SECONDS": str(lease_seconds),
            "METASYNC_POLL_INTERVAL_SECONDS": "0.5",
            "METASYNC_WORKER_CONCURRENCY": str(concurrency),
            "METASYNC_REPORT_POLL_SECONDS": "0.5",
        }
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.starts = 0

    def start(self, slot: int) -> None:
        self.starts += 1
        log = (self.log_dir / f"worker-{slot}.log").open("ab")
        self.procs[slot] = subprocess.Popen(
            [metasync_executable(), "run", "--log-level", "WARNING"],
            stdout=log, stderr=log, env=self.env, cwd=self.log_dir,
        )  # fmt: skip
        log.close()

    def kill9(self, slot: int) -> None:
        proc = self.procs[slot]
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    def alive(self) -> list[int]:
        return [slot for slot, p in self.procs.items() if p.poll() is None]

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def connect_world(db_url: str, emu: EmulatorProcess, cipher: TokenCipher,
                        accounts: int | None = None) -> list[str]:  # fmt: skip
    """``connect`` the world's system-user token and (the first ``accounts``) accounts."""
    creds = emu.credentials()
    ids = list(creds["account_ids"])[:accounts]
    settings = Settings(_env_file=None, graph_base_url=emu.url,  # type: ignore[call-arg]
                        meta_app_secret=SecretStr(creds["app_secret"]))  # fmt: skip
    async with httpx.AsyncClient(timeout=120) as http:
        graph = GraphClient.from_settings(http, settings)
        conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
        async with conn:
            result = await connect(conn, graph, cipher, organization="chaos",
                                   token=creds["access_token"], account_ids=ids)  # fmt: skip
    return [a.id for a in result.accounts]


def tier_of(index: int) -> str:
    """10 % high, 60 % medium, 30 % low, spread over the fleet."""
    slot = index % 10
    return "high" if slot == 0 else "medium" if slot <= 6 else "low"


async def seed_fleet(pool: AsyncConnectionPool[Any], emu: Emulator, graph: GraphClient,
                     cipher: TokenCipher, accounts: int) -> list[str]:  # fmt: skip
    """An organisation, the in-process emulator's token and its first ``accounts`` accounts
    (tiers spread by ``tier_of``), not yet onboarded."""
    token = emu.credentials["access_token"]
    ids = emu.account_ids[:accounts]
    metadata = []
    for i in range(0, len(ids), 50):
        metadata += await fetch_account_metadata(graph, token, ids[i : i + 50])
    async with pool.connection() as conn, conn.transaction():
        org = await create_organization(conn, "fleet")
        connection = await tokens.store_connection(conn, cipher, org, token, "system_user")
        for index, account in enumerate(metadata):
            await upsert_ad_account(conn, account, organization_id=org,
                                    connection_id=connection, tier=tier_of(index))  # fmt: skip
    return [a.id for a in metadata]


OPEN_WORK = """
select (select count(*) from meta_sync.sync_jobs where status in ('pending', 'in_progress'))
     + (select count(*) from meta_sync.meta_ad_accounts where phase_2_completed_at is null)
"""
COMPLETED_CHUNKS = "select count(*) from meta_sync.sync_job_chunks where status = 'completed'"
STUCK = "select count(*) from meta_sync.sync_job_chunks where status in ('pending', 'in_progress')"
DUPLICATES = """
select count(*) - count(distinct (ad_id, date, attribution_setting, breakdown_key))
from meta_sync.meta_insights_daily
"""


async def _count(db_url: str, query: str) -> int:
    conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
    async with conn:
        row = await (await conn.execute(query)).fetchone()
    return int(row[0]) if row else 0


async def open_work(db_url: str) -> int:
    """Open jobs plus accounts whose onboarding has not finished (0 = everything final)."""
    return await _count(db_url, OPEN_WORK)


async def completed_chunks(db_url: str) -> int:
    """Chunks completed so far: progress that tests can count instead of seconds."""
    return await _count(db_url, COMPLETED_CHUNKS)


async def wait_final(db_url: str, limit_s: float, poll: float = 1.0) -> float:
    """Seconds until no work is open (TimeoutError after ``limit_s``)."""
    started = time.monotonic()
    while await open_work(db_url):
        if time.monotonic() - started > limit_s:
            raise TimeoutError(f"work still open after {limit_s:.0f} s")
        await asyncio.sleep(poll)
    return time.monotonic() - started


async def integrity(db_url: str, truth: TruthSource, accounts: list[str]) -> list[str]:
    """Every problem found: differences with Meta, duplicates, stuck chunks, coverage gaps."""
    conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
    async with conn:
        comparison = await compare_with_truth(conn, truth, accounts)
        problems = list(comparison.differences[:20])
        for label, query in (("duplicate rows", DUPLICATES), ("chunks not final", STUCK)):
            row = await (await conn.execute(query)).fetchone()
            if row and row[0]:
                problems.append(f"{label}: {row[0]}")
        for account in accounts:
            merged = merge_ranges(await synced_ranges(conn, account))
            if len(merged) > 1:
                problems.append(f"{account}: gap in covered dates {merged}")
    if comparison.rows_compared == 0:
        problems.append("no ad-day rows compared")
    return problems
