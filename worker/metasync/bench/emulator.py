"""``metasync bench emulator``: how fast the Meta emulator builds its worlds and serves rows.

1. Each preset world is built from its seed with every object generated (campaigns, ad sets,
   ads, creatives of every account): the time a test, the demo or a benchmark waits for it.
2. A 5 000-row insights page (``level=ad``, ``time_increment=1``, ``limit=5000``, the ``large``
   account) is served ``--runs`` times in process (the app through ``httpx.ASGITransport``) and
   over HTTP (``meta-emulator`` in its own process, no added latency): rows per second,
   median of the warm runs, and the first (cold) page apart. Both read the same page of the
   same frozen world.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from metasync.bench._common import JsonFile, Report
from metasync.graph.encoding import appsecret_proof

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PAGE_ROWS = 5000
VERSION = "v25.0"


def build_seconds(preset: str) -> tuple[float, int]:
    """Seconds to build the world with every object generated; the number of ads."""
    from meta_emulator import Emulator

    started = time.perf_counter()
    emu = Emulator(preset, seed=1, clock=START)
    ads = sum(len(aw.objects.ads) for aw in emu.runtime.world.accounts.values())
    return time.perf_counter() - started, ads


def page_params(credentials: dict[str, Any]) -> dict[str, str]:
    token, secret = str(credentials["access_token"]), str(credentials["app_secret"])
    return {
        "level": "ad",
        "time_increment": "1",
        "time_range": '{"since":"2025-09-01","until":"2026-02-28"}',
        "fields": "ad_id,date_start,impressions,clicks,spend,actions,action_values",
        "limit": str(PAGE_ROWS),
        "access_token": token,
        "appsecret_proof": appsecret_proof(secret, token),
    }


async def serve_page(client: httpx.AsyncClient, path: str, params: dict[str, str]) -> float:
    """Seconds for one page; the page must hold PAGE_ROWS rows."""
    started = time.perf_counter()
    answer = await client.get(path, params=params)
    seconds = time.perf_counter() - started
    answer.raise_for_status()
    rows = len(answer.json()["data"])
    if rows != PAGE_ROWS:
        raise RuntimeError(f"the page held {rows} rows, not {PAGE_ROWS}")
    return seconds


async def page_seconds(client: httpx.AsyncClient, account: str, creds: dict[str, Any],
                       runs: int) -> list[float]:  # fmt: skip
    """The first (cold: the days' metrics are generated) page, then ``runs`` warm ones."""
    path, params = f"/{VERSION}/{account}/insights", page_params(creds)
    return [await serve_page(client, path, params) for _ in range(runs + 1)]


async def in_process(runs: int) -> list[float]:
    from meta_emulator import Emulator

    emu = Emulator("large", seed=1, clock=START)
    transport = httpx.ASGITransport(app=emu.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        return await page_seconds(client, emu.account_ids[0], emu.credentials, runs)


async def over_http(runs: int) -> list[float]:
    from meta_emulator.serving import EmulatorProcess

    with tempfile.TemporaryDirectory(prefix="metasync-bench-") as tmp:
        emu = EmulatorProcess(
            "large", latency_ms=0.0, jitter_ms=0.0, clock=START, log_dir=Path(tmp)
        )
        try:
            creds = emu.credentials()
            account = str(creds["account_ids"][0])
            async with httpx.AsyncClient(base_url=emu.url, timeout=120) as client:
                return await page_seconds(client, account, creds, runs)
        finally:
            emu.stop()


def emulator(
    runs: Annotated[int, typer.Option("--runs", min=1, max=50, help="Pages served per path.")] = 5,
    json_file: JsonFile = None,
) -> None:
    """World build times per preset; rows/s of a 5 000-row insights page, in process and HTTP."""
    report = Report("emulator")
    builds: dict[str, dict[str, float]] = {}
    from meta_emulator.presets import PRESETS

    for preset in PRESETS:
        seconds, ads = build_seconds(preset)
        builds[preset] = {"seconds": seconds, "ads": ads}
        report.add(f"build {preset} (s)", seconds, f"{ads:,} ads, every object generated")
    report.check(builds["large"]["seconds"] < 10, "the large world must build in seconds")
    served = {"in_process": asyncio.run(in_process(runs)), "http": asyncio.run(over_http(runs))}
    rates = {}
    for path, (cold, *warm) in served.items():
        rates[path] = PAGE_ROWS / statistics.median(warm)
        where = path.replace("_", " ")
        note = f"median of {runs}: {statistics.median(warm) * 1000:.0f} ms a page"
        report.add(f"5 000-row page, {where} (rows/s)", rates[path], note)
        report.add(f"  first page, {where} (ms)", cold * 1000, "cold: metrics generated")
    report.data.update({"builds": builds, "page_seconds": served, "rows_per_second": rates})
    report.emit(json_file)
    if report.failures:
        raise typer.Exit(1)
