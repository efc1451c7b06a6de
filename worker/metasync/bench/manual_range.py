"""``metasync bench manual-range``: a long manual sync of the large account, after onboarding.

The ``large`` account is onboarded first (as ``bench onboarding`` does: ``meta-emulator`` over
HTTP, 150 ms per call, 10 s report runs). Then an admin asks for 35 months ending today
(``metasync sync --since ... --until ...``): that plan is shown (chunks and their days) and
rolled back. The account is two years old, so 35 months start before it existed; what a manual
sync really reads is phase 2's range plus phase 1's 90 days. To compare like with like, the
manual job that runs covers exactly the days phase 2 read: its Graph calls (``calls``) against
phase 2's (``phase_2_calls``), target at most 1.25x. The database must still equal the
emulator's ground truth afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import typer
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

from metasync.bench._common import (
    JsonFile,
    LatencyMs,
    Report,
    ReportSeconds,
    TimeoutSeconds,
    throwaway_database,
)
from metasync.bench.onboarding import onboard, verify
from metasync.clock import SYSTEM_CLOCK
from metasync.commands.sync import request_manual_sync
from metasync.crypto import TokenCipher, generate_key
from metasync.db import queue
from metasync.runner import Worker
from metasync.settings import Settings, get_settings

MONTHS = 35

JOB = """
select id, date_since, date_until, api_calls, total_chunks, status::text
from meta_sync.sync_jobs where {where} order by id desc limit 1
"""


@dataclass(frozen=True)
class JobCost:
    job_id: int
    since: date
    until: date
    api_calls: int
    chunks: int
    status: str


async def job_cost(url: str, where: str, *params: Any) -> JobCost:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        cur = await conn.execute(JOB.format(where=where), params)
        row = await cur.fetchone()
    if row is None:
        raise RuntimeError(f"no job where {where}")
    return JobCost(int(row[0]), row[1], row[2], int(row[3]), int(row[4]), str(row[5]))


PLANNED = """
select count(*), coalesce(sum(c.date_until - c.date_since + 1), 0)
from meta_sync.sync_job_chunks c where c.job_id = %s and c.chunk_type = 'insights'
"""


async def planned_chunks(url: str, account_id: str, since: date, until: date) -> tuple[int, int]:
    """Insights chunks and days the planner makes for a manual range (rolled back)."""
    conn = await psycopg.AsyncConnection.connect(url)
    async with conn:
        job_id = await queue.request_manual_sync(conn, account_id, since, until, "bench")
        planned = await (await conn.execute(PLANNED, (job_id,))).fetchone()
        await conn.rollback()
    assert planned is not None
    return int(planned[0]), int(planned[1])


def months_before(day: date, months: int) -> date:
    month = day.year * 12 + day.month - 1 - months
    year, index = divmod(month, 12)
    return date(year, index + 1, min(day.day, 28))


async def run_until_final(
    settings: Settings, url: str, cipher: TokenCipher, job_id: int, limit_s: float
) -> float:
    """A worker runs until the job is final; returns the seconds it took."""
    started = time.monotonic()
    stop = asyncio.Event()
    pool = AsyncConnectionPool(url, min_size=2, max_size=24, open=False,
                               kwargs={"autocommit": True})  # fmt: skip
    async with pool, httpx.AsyncClient(timeout=120) as http:
        worker = Worker(settings, pool, http, cipher, SYSTEM_CLOCK, "bench-manual")
        task = asyncio.create_task(worker.run(stop))
        try:
            while (await job_cost(url, "id = %s", job_id)).status in ("pending", "in_progress"):
                if time.monotonic() - started > limit_s:
                    raise TimeoutError(f"the manual job is still open after {limit_s:.0f} s")
                await asyncio.sleep(0.25)
        finally:
            stop.set()
            await asyncio.gather(task, return_exceptions=True)
    return time.monotonic() - started


def fill_report(report: Report, phase_2: JobCost, manual: JobCost, emulated_calls: int,
                seconds: float, comparison: Any, long_plan: tuple[int, int]) -> None:  # fmt: skip
    ratio = manual.api_calls / phase_2.api_calls if phase_2.api_calls else float("inf")
    report.add(f"{MONTHS} months to today: planned chunks", long_plan[0],
               f"{long_plan[1]} days from the account's creation (rolled back)")  # fmt: skip
    report.add("phase 2 range", f"{phase_2.since} .. {phase_2.until}", f"{phase_2.chunks} chunks")
    report.add("phase 2 Graph calls", phase_2.api_calls, "recorded on the job")
    report.add("manual range run", f"{manual.since} .. {manual.until}", "phase 2's range")
    report.add("manual chunks", manual.chunks, "structure included")
    report.add("manual Graph calls", manual.api_calls, f"{emulated_calls} as the emulator counts")
    report.add("manual / phase 2 calls", ratio, "target <= 1.25")
    report.add("manual wall time (s)", seconds)
    report.add("ground-truth differences", len(comparison.differences), comparison.summary())
    report.check(ratio <= 1.25, f"the manual range made {ratio:.2f}x phase 2's calls")
    report.check(comparison.ok, f"{len(comparison.differences)} differences with ground truth")
    report.data.update({
        "calls": manual.api_calls, "phase_2_calls": phase_2.api_calls, "calls_ratio": ratio,
        "emulator_calls": emulated_calls, "manual_chunks": manual.chunks,
        "phase_2_chunks": phase_2.chunks, "manual_seconds": seconds,
        "manual_range": [str(manual.since), str(manual.until)],
        "phase_2_range": [str(phase_2.since), str(phase_2.until)],
        "long_range_months": MONTHS, "long_range_planned_chunks": long_plan[0],
        "long_range_planned_days": long_plan[1],
        "ground_truth_differences": len(comparison.differences),
    })  # fmt: skip


def manual_range(
    latency_ms: LatencyMs = 150.0,
    report_seconds: ReportSeconds = 10.0,
    timeout: TimeoutSeconds = 900.0,
    json_file: JsonFile = None,
) -> None:
    """Onboard the large account, then sync 35 months by hand: its calls against phase 2's."""
    from meta_emulator.serving import EmulatorProcess

    base = get_settings()
    report = Report("manual-range")
    logging.getLogger("metasync").setLevel(logging.ERROR)
    with (
        throwaway_database(base, "manual_range") as url,
        tempfile.TemporaryDirectory(prefix="metasync-bench-") as tmp,
    ):
        emu = EmulatorProcess("large", latency_ms=latency_ms, jitter_ms=0.0,
                              report_run_s=report_seconds, log_dir=Path(tmp))  # fmt: skip
        try:
            creds = emu.credentials()
            settings = base.model_copy(update={
                "database_url": SecretStr(url), "graph_base_url": emu.url,
                "meta_app_id": str(creds["app_id"]),
                "meta_app_secret": SecretStr(str(creds["app_secret"])),
            })  # fmt: skip
            cipher = TokenCipher({"bench": generate_key()})
            accounts, _ = asyncio.run(onboard(settings, url, emu, timeout, cipher))
            phase_2 = asyncio.run(job_cost(url, "sync_phase = 'historical_backfill'"))
            before = int(emu.stats().get("calls", 0))
            today = datetime.now(UTC).date()
            long_plan = asyncio.run(
                planned_chunks(url, accounts[0], months_before(today, MONTHS), today)
            )
            job_id, _, _ = asyncio.run(
                request_manual_sync(url, accounts[0], phase_2.since, phase_2.until)
            )
            seconds = asyncio.run(run_until_final(settings, url, cipher, job_id, timeout))
            emulated = int(emu.stats().get("calls", 0)) - before
            manual = asyncio.run(job_cost(url, "id = %s", job_id))
            comparison = asyncio.run(verify(url, emu, accounts))
        finally:
            emu.stop()
    report.data.update({"latency_ms": latency_ms, "report_run_s": report_seconds})
    fill_report(report, phase_2, manual, emulated, seconds, comparison, long_plan)
    report.emit(json_file)
    if report.failures:
        raise typer.Exit(1)
