"""``metasync bench console-pages``: paging through 10 000 accounts on ``/console``.

A throwaway database with N onboarded accounts of one organisation (and a member of it); the
console in process (httpx over ASGI, the whole request: sign-in check, the transaction as the
viewer, the keyset query, the count, the panels, the template). Every page is walked from the
first to the last by its "Next page" link, as the operator and as the member (RLS on every
row). Reported: page time p50 / p95 / max per viewer, the first and the last page, and a
filtered search.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import psycopg
import typer
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr

from metasync.bench._common import Report, throwaway_database
from metasync.bench.console_streams import OPERATOR, SECRET
from metasync.bench.seed import ORG, seed_accounts
from metasync.server.app import create_app
from metasync.settings import Settings, get_settings

NEXT = re.compile(r'<a href="(/console\?[^"]*)" rel="next">')
ROW = re.compile(r'<tr data-account="act_')


def member_token(url: str) -> str:
    user = uuid.uuid4()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "insert into meta_sync.organization_members (organization_id, user_id, role)"
            " values (%s, %s, 'member')",
            (ORG, user),
        )
    claims = {
        "sub": str(user),
        "role": "authenticated",
        "aud": "authenticated",
        "exp": int(time.time()) + 3600,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


def quantiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)

    return {"p50": pick(0.5), "p95": pick(0.95), "max": round(ordered[-1], 1)}


async def walk(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """Every page by its Next link; times in ms and the rows seen."""
    headers, url = {"Authorization": f"Bearer {token}"}, "/console"
    times: list[float] = []
    rows = 0
    while url:
        started = time.perf_counter()
        response = await client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        rows += len(ROW.findall(response.text))
        found = NEXT.search(response.text)
        url = found.group(1).replace("&amp;", "&") if found else ""
    return {
        "pages": len(times),
        "rows": rows,
        "first_ms": round(times[0], 1),
        "last_ms": round(times[-1], 1),
        **quantiles(times),
    }


async def timed_get(client: httpx.AsyncClient, token: str, url: str, n: int = 20) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        (await client.get(url, headers={"Authorization": f"Bearer {token}"})).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return quantiles(times)["p50"]


async def measure(url: str, page_size: int) -> dict[str, Any]:
    member = member_token(url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        console_token=SecretStr(OPERATOR),
        supabase_jwt_secret=SecretStr(SECRET),
        console_page_size=page_size,
    )
    async with AsyncConnectionPool(
        url, min_size=1, max_size=4, open=False, kwargs={"autocommit": True}
    ) as pool:
        app = create_app(settings, pool, sweep_seconds=None)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            result = {
                "operator": await walk(client, OPERATOR),
                "member": await walk(client, member),
            }
            result["search_ms"] = {
                "operator_q": await timed_get(client, OPERATOR, "/console?q=act_1000999"),
                "member_filtered": await timed_get(
                    client, member, "/console?tier=high&state=active"
                ),
            }
    return result


def console_pages(
    accounts: Annotated[int, typer.Option(min=100, help="Accounts to page through.")] = 10_000,
    page_size: Annotated[int, typer.Option(min=5, max=500, help="Rows per page.")] = 50,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Also write the numbers here.")
    ] = None,
) -> None:
    """Page through N accounts on /console as the operator and as a member (RLS)."""
    with throwaway_database(get_settings(), "console-pages") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            seed_accounts(conn, accounts, datetime.now(UTC))
        result = asyncio.run(measure(url, page_size)) | {
            "accounts": accounts,
            "page_size": page_size,
        }
    out = Report("console-pages", data=result)
    for who in ("operator", "member"):
        r = result[who]
        out.add(f"{who}: pages walked", r["pages"], f"{r['rows']:,} rows")
        out.add(
            f"{who}: page p50 / p95 / max ms",
            f"{r['p50']} / {r['p95']} / {r['max']}",
            f"first {r['first_ms']}, last {r['last_ms']}",
        )
        out.check(r["rows"] == accounts, f"{who} saw {r['rows']} of {accounts} accounts")
    out.add("search by id ms (operator)", result["search_ms"]["operator_q"])
    out.add("tier + state filter ms (member)", result["search_ms"]["member_filtered"])
    out.emit(json_file)
