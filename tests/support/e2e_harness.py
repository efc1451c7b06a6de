"""End-to-end harness: the emulator in process, a migrated database, a pool and Workers.

Accounts are connected through the real APIs: ``tokens.store_connection`` for the encrypted
token, ``connections.fetch_account_metadata`` + ``register_account`` (``connect_ad_account``) for
the account rows and phase 1. Time is the emulator clock, passed as ``p_now``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
from psycopg_pool import AsyncConnectionPool

from meta_emulator import Emulator, EmulatorConfig
from metasync import tokens
from metasync.clock import SimulatedClock
from metasync.connections import fetch_account_metadata, register_account
from metasync.crypto import TokenCipher
from metasync.graph import GraphClient, RetryPolicy
from metasync.runner import RunStats, Worker
from metasync.settings import Settings

START = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
BASE_URL = "http://emulator.test"
FAST_RETRY = RetryPolicy(attempts=6, initial_seconds=0.001, max_seconds=0.01, jitter_seconds=0)


def fast_config(**over: Any) -> EmulatorConfig:
    """Report runs complete at once (a 100/33 race still answers some first polls): a run still
    in progress makes the worker pace its next poll by the percentage, and a paced wait of a
    second or more moves the frozen clock in `Harness.sleep`, and today's partial numbers with
    it, in the middle of a drain."""
    base: dict[str, Any] = {"report_run_s": 0.0}
    return EmulatorConfig(**(base | over))


@dataclass
class Harness:
    emu: Emulator
    pool: AsyncConnectionPool[Any]
    http: httpx.AsyncClient
    settings: Settings
    cipher: TokenCipher
    connection_id: UUID | None = None
    organization_id: UUID | None = None
    connects: int = 0
    accounts: list[str] = field(default_factory=list)

    def worker(self, name: str = "w1", **settings: Any) -> Worker:
        s = self.settings.model_copy(update=settings)
        clock = SimulatedClock(self.emu.clock.now, self.sleep)
        return Worker(s, self.pool, self.http, self.cipher, clock, name, retry=FAST_RETRY)

    async def sleep(self, seconds: float) -> None:
        """Long waits (governor pacing, stops) pass on the emulator clock, so the tests never
        sleep for them; short ones (report polls, fast retries) are real."""
        if seconds >= 1:
            self.emu.advance(seconds)
            seconds = 0
        await asyncio.sleep(seconds)

    async def connect(self, accounts: list[str] | None = None, token: str | None = None) -> None:
        token = token or self.emu.credentials["access_token"]
        ids = accounts or self.emu.account_ids
        graph = GraphClient(self.http, base_url=BASE_URL, api_version="v25.0",
                            app_secret=self.emu.credentials["app_secret"])  # fmt: skip
        metadata = await fetch_account_metadata(graph, token, ids)
        async with self.pool.connection() as conn, conn.transaction():
            # One organisation per connect call (names are unique): e2e, e2e 2, ...
            self.connects += 1
            name = "e2e" if self.connects == 1 else f"e2e {self.connects}"
            cur = await conn.execute(
                "insert into meta_sync.organizations (name) values (%s) returning id", (name,)
            )
            row = await cur.fetchone()
            assert row is not None
            self.organization_id = row[0]
            self.connection_id = await tokens.store_connection(
                conn, self.cipher, row[0], token, "system_user"
            )
            for account in metadata:
                await register_account(conn, account, row[0], self.connection_id, None,
                                       self.emu.clock.now())  # fmt: skip
        self.accounts = [a.id for a in metadata]

    async def drain(self, worker: Worker | None = None, max_passes: int = 60) -> RunStats:
        """run_once until a pass finds nothing to do; the summed stats."""
        worker = worker or self.worker()
        total = RunStats()
        for _ in range(max_passes):
            # A generous pass budget: a pass that runs out hands its chunks back, and a loaded
            # machine must not make that look like a claim-and-release by the worker.
            stats = await worker.run_once(600)
            total.claimed += stats.claimed
            total.rows_written += stats.rows_written
            total.api_calls += stats.api_calls
            total.enqueued_jobs += stats.enqueued_jobs
            total.outcomes.update(stats.outcomes)
            if stats.claimed == 0 and stats.enqueued_jobs == 0:
                return total
        raise AssertionError(f"still work after {max_passes} passes: {total}")

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        async with self.pool.connection() as conn:
            cur = await conn.execute(sql, args)  # type: ignore[arg-type]
            return await cur.fetchall()


# --- ground truth comparison ------------------------------------------------------------------
INSIGHT_COLUMNS = (
    "ad_id, date, campaign_id, adset_id, impressions, clicks, spend, reach, actions,"
    " action_values, currency, link_clicks, conversions, revenue"
)
# The documented conversion table (mapping.py), written out again so the test is independent.
COUNTED = {
    "OUTCOME_SALES": "purchase",
    "OUTCOME_LEADS": "lead",
    "OUTCOME_TRAFFIC": "landing_page_view",
    "OUTCOME_APP_PROMOTION": "mobile_app_install",
}


def _stat(stats: list[dict[str, Any]] | None, action: str | None) -> Decimal:
    return sum((Decimal(a["value"]) for a in stats or [] if a["action_type"] == action), Decimal(0))


def truth_rows(
    emu: Emulator, account: str, since: date, until: date
) -> dict[tuple[str, date], tuple[Any, ...]]:
    objective = {c["id"]: c["objective"] for c in emu.truth_entities(account)["campaigns"]}
    out = {}
    for r in emu.truth_insights(account, since, until):
        key = (r["ad_id"], date.fromisoformat(r["date_start"]))
        counted = COUNTED.get(objective[r["campaign_id"]])
        actions, values = r.get("actions") or [], r.get("action_values") or []
        reach = int(r["reach"]) if r.get("reach") is not None else None
        out[key] = (
            r["campaign_id"], r["adset_id"], int(r["impressions"]), int(r["clicks"]),
            Decimal(r["spend"]), reach, actions, values, r.get("account_currency"),
            _stat(actions, "link_click"), _stat(actions, counted), _stat(values, counted),
        )  # fmt: skip
    return out


async def db_rows(
    h: Harness, account: str, since: date, until: date
) -> dict[tuple[str, date], tuple[Any, ...]]:
    rows = await h.fetch(
        f"select {INSIGHT_COLUMNS} from meta_sync.meta_insights_daily"
        " where account_id = %s and date between %s and %s", account, since, until,
    )  # fmt: skip
    return {(r[0], r[1]): (*r[2:4], r[4], r[5], Decimal(r[6]), *r[7:11], Decimal(r[11]),
                           Decimal(r[12]), Decimal(r[13])) for r in rows}  # fmt: skip


def account_today(emu: Emulator, account: str) -> date:
    from zoneinfo import ZoneInfo

    aw = emu.runtime.account(account)
    return emu.clock.now().astimezone(ZoneInfo(aw.account.timezone)).date()


def history_start(emu: Emulator, account: str) -> date:
    """The first day onboarding covers: account creation, at most 37 months back."""
    from zoneinfo import ZoneInfo

    aw = emu.runtime.account(account)
    created = datetime.fromtimestamp(aw.account.created, ZoneInfo(aw.account.timezone)).date()
    return max(created, account_today(emu, account) - timedelta(days=37 * 30))


ENTITY_KEYS = ("name", "status", "effective_status", "updated_time")
ENTITY_TABLES = {"campaigns": "meta_campaigns", "adsets": "meta_adsets", "ads": "meta_ads"}


async def assert_entities_equal(h: Harness, account: str) -> dict[str, int]:
    """Every stored object equals Meta's; every live (not deleted) object of Meta is stored;
    deleted objects are stored when the sync could see them (listed before, or in insights)."""
    truth = h.emu.truth_entities(account)
    counts = {}
    for edge, table in ENTITY_TABLES.items():
        want = {o["id"]: tuple(o.get(k) for k in ENTITY_KEYS) for o in truth[edge]}
        rows = await h.fetch(
            f"select id, raw from meta_sync.{table} where account_id = %s",
            account,
        )
        # A deleted object stored from the insights rows that named it has what they carry
        # (no updated_time: only a by-id read could tell it); compare what is there.
        got = {r[0]: {k: r[1][k] for k in ENTITY_KEYS if k in r[1]} for r in rows}
        live = {i for i, v in want.items() if v[2] != "DELETED"}
        assert live <= set(got), f"{edge}: not stored {sorted(live - set(got))[:5]}"
        wanted = {i: dict(zip(ENTITY_KEYS, v, strict=True)) for i, v in want.items()}
        wrong = [
            (i, wanted.get(i), v)
            for i, v in got.items()
            if i not in wanted
            or any(wanted[i][k] != v[k] for k in v)
            or ("updated_time" not in v and v.get("effective_status") != "DELETED")
        ]
        assert not wrong, f"{edge}: {wrong[:3]}"
        counts[edge] = len(got)
    creatives = {o["id"] for o in truth["adcreatives"]}
    stored = {r[0] for r in await h.fetch(
        "select id from meta_sync.meta_ad_creatives where account_id = %s", account)}  # fmt: skip
    assert stored <= creatives
    return counts


async def assert_insights_equal(h: Harness, account: str, until: date | None = None) -> int:
    """Every ad-day of the account's whole history (37 months at most) equals Meta's."""
    since, until = history_start(h.emu, account), until or account_today(h.emu, account)
    truth = truth_rows(h.emu, account, since, until)
    got = await db_rows(h, account, since, until)
    missing = sorted(set(truth) - set(got))[:5]
    extra = sorted(set(got) - set(truth))[:5]
    assert not missing and not extra, f"{account}: missing {missing} extra {extra}"
    wrong = [k for k in truth if truth[k] != got[k]]
    sample = [(k, truth[k], got[k]) for k in wrong[:2]]
    assert not wrong, f"{account}: {len(wrong)} ad-days differ, e.g. {sample}"
    return len(truth)


def outcomes_ok(stats: RunStats, allowed: frozenset[str] = frozenset({"completed"})) -> None:
    assert set(stats.outcomes) <= allowed, stats.outcomes
