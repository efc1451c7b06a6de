"""Benchmark the Meta emulator: world build time per preset, and rows/second served for
5 000-row insights pages in process (httpx.ASGITransport) and over HTTP (uvicorn, 127.0.0.1).

    .venv/bin/python scripts/bench_emulator.py [--pages 5] [--skip-http]

Prints one line per measurement, then a JSON document with every number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from metasync.emulator import Emulator, EmulatorConfig
from metasync.emulator.auth import proof
from metasync.emulator.world import build_world

CLOCK = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
PARAMS = {
    "level": "ad",
    "time_increment": "1",
    "limit": "5000",
    "fields": "account_id,campaign_id,adset_id,ad_id,impressions,clicks,spend,reach,actions,"
    "action_values",
    "time_range": json.dumps({"since": "2025-09-01", "until": "2026-02-28"}),
}


def bench_builds() -> dict[str, dict[str, float]]:
    """Seconds to build each preset (accounts) and to materialise every object of every account."""
    out = {}
    for preset in ("small", "agency", "large", "fleet"):
        start, cpu = time.perf_counter(), time.process_time()
        world = build_world(preset, 1, CLOCK.date())
        built = time.perf_counter() - start
        ads = sum(len(aw.ads) for aw in world.accounts.values())
        full, full_cpu = time.perf_counter() - start, time.process_time() - cpu
        out[preset] = {"accounts_s": round(built, 3), "all_objects_s": round(full, 3),
                       "all_objects_cpu_s": round(full_cpu, 3), "ads": ads}  # fmt: skip
        print(f"build {preset:<7} accounts {built:7.3f} s, all objects {full:7.3f} s"
              f" (CPU {full_cpu:.3f} s, {ads} ads)")  # fmt: skip
    return out


async def _pages(
    client: httpx.AsyncClient, url: str, params: dict[str, str] | None, pages: int
) -> list[tuple[int, float]]:
    """(rows, seconds) for up to `pages` pages, following `next`."""
    out = []
    for _ in range(pages):
        start = time.perf_counter()
        answer = await client.get(url, params=params)
        body = answer.json()
        out.append((len(body["data"]), time.perf_counter() - start))
        if answer.status_code != 200:
            raise RuntimeError(answer.text)
        if "next" not in body["paging"]:
            break
        url, params = body["paging"]["next"], None
    return out


def _summary(label: str, timings: list[tuple[int, float]]) -> dict[str, Any]:
    rows = sum(r for r, _ in timings)
    seconds = sum(s for _, s in timings)
    first = timings[0][0] / timings[0][1]
    print(
        f"{label:<22} {rows:7d} rows in {seconds:6.3f} s = {rows / seconds:9.0f} rows/s"
        f" (first page {first:.0f} rows/s)"
    )
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "pages": len(timings),
        "first_page_rows_per_s": round(first),
    }


async def bench_in_process(pages: int) -> dict[str, Any]:
    emu = Emulator("large", 1, EmulatorConfig(), CLOCK)
    creds = emu.credentials
    token = creds["access_token"]
    auth = {"access_token": token, "appsecret_proof": proof(creds["app_secret"], token)}
    url = f"/v25.0/{creds['account_ids'][0]}/insights"
    async with emu.client(base_url="http://emu.local") as client:
        cpu = time.process_time()
        cold = _summary("in-process (cold)", await _pages(client, url, {**auth, **PARAMS}, pages))
        cold["cpu_rows_per_s"] = round(cold["rows"] / (time.process_time() - cpu))
        cpu = time.process_time()
        warm = _summary("in-process (warm)", await _pages(client, url, {**auth, **PARAMS}, pages))
        warm["cpu_rows_per_s"] = round(warm["rows"] / (time.process_time() - cpu))
    print(
        f"in-process CPU-time rows/s: cold {cold['cpu_rows_per_s']}, warm {warm['cpu_rows_per_s']}"
    )
    return {"cold": cold, "warm": warm}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def bench_http(pages: int) -> dict[str, Any]:
    port = _free_port()
    cmd = [
        sys.executable,
        "-c",
        "from metasync.cli import app; app()",
        "emulator",
        "--world",
        "large",
        "--port",
        str(port),
        "--clock",
        CLOCK.isoformat(),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)  # noqa: ASYNC220 - a server for the run
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            creds = await _wait(client)
            token = creds["access_token"]
            auth = {"access_token": token, "appsecret_proof": proof(creds["app_secret"], token)}
            url = f"{base}/v25.0/{creds['account_ids'][0]}/insights"
            cold = _summary("http (cold)", await _pages(client, url, {**auth, **PARAMS}, pages))
            warm = _summary("http (warm)", await _pages(client, url, {**auth, **PARAMS}, pages))
    finally:
        proc.terminate()
        proc.wait(10)
    return {"cold": cold, "warm": warm}


async def _wait(client: httpx.AsyncClient) -> dict[str, Any]:
    for _ in range(200):
        try:
            return dict((await client.get("/__emulator/credentials")).json())
        except httpx.HTTPError:
            await asyncio.sleep(0.1)
    raise RuntimeError("emulator did not start")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    report["build_s"] = bench_builds()
    start = time.perf_counter()
    Emulator("large", 1, EmulatorConfig(), CLOCK)
    report["emulator_large_init_s"] = round(time.perf_counter() - start, 3)
    report["in_process"] = await bench_in_process(args.pages)
    if not args.skip_http:
        report["http"] = await bench_http(args.pages)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
