"""Bad inputs are refused with the documented error, and nothing changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from metasync.db import scheduling
from metasync.db.errors import (
    InvalidArgumentError,
    MalformedIdError,
    MetaSyncDatabaseError,
    NotAllowedError,
    NotFoundError,
)

NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)
ORG = "5c000000-0000-0000-0000-0000000000f1"
Call = Callable[[psycopg.AsyncConnection[Any]], Awaitable[object]]


async def _snapshot(conn: psycopg.AsyncConnection[Any]) -> list[tuple[Any, ...]]:
    cur = await conn.execute(
        "select a::text from meta_sync.meta_ad_accounts a union all"
        " select j::text from meta_sync.sync_jobs j union all"
        " select f::text from meta_sync.data_freshness f order by 1"
    )
    return await cur.fetchall()


@pytest.fixture
async def account(aconn: psycopg.AsyncConnection[Any]) -> str:
    await aconn.execute("insert into meta_sync.organizations (id, name) values (%s, 'o')", (ORG,))
    await aconn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, phase_1_completed_at)"
        " values ('act_880', %s, %s)",
        (ORG, NOW),
    )
    return "act_880"


CASES: list[tuple[str, Call, type[MetaSyncDatabaseError], str]] = [
    ("unknown tier", lambda c: scheduling.set_sync_priority(c, "act_880", "urgent", NOW),
     InvalidArgumentError, "valid tiers are high, medium, low"),
    ("malformed id", lambda c: scheduling.set_sync_priority(c, "880", "high", NOW),
     MalformedIdError, '"880"'),
    ("unknown account", lambda c: scheduling.set_sync_priority(c, "act_881", "high", NOW),
     NotFoundError, "act_881"),
    ("bad outcome", lambda c: scheduling.update_meta_sync_status(c, "act_880", "meh", now=NOW),  # type: ignore[arg-type]
     InvalidArgumentError, "valid outcomes"),
    ("status of unknown account",
     lambda c: scheduling.update_meta_sync_status(c, "act_881", "success", now=NOW),
     NotFoundError, "act_881"),
    ("limit 0", lambda c: scheduling.get_meta_accounts_due_for_sync(c, 0, NOW),
     InvalidArgumentError, "between 1 and 10000"),
    ("enqueue limit too big", lambda c: scheduling.enqueue_due_syncs(c, 10_001, NOW),
     InvalidArgumentError, "between 1 and 10000"),
    ("onboarding malformed id", lambda c: scheduling.start_account_onboarding(c, "act_x", NOW),
     MalformedIdError, "act_x"),
    ("finish unknown job", lambda c: scheduling.finish_onboarding_phase(c, -1, NOW),
     NotFoundError, "-1"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
async def test_refused_and_nothing_changed(
    aconn: psycopg.AsyncConnection[Any], account: str, name: str, call: Call,
    error: type[MetaSyncDatabaseError], message: str,
) -> None:  # fmt: skip
    before = await _snapshot(aconn)
    with pytest.raises(error, match=message):
        await call(aconn)
    assert await _snapshot(aconn) == before


async def test_member_may_not_change_tier(
    aconn: psycopg.AsyncConnection[Any], account: str
) -> None:
    user = "5c000000-0000-0000-0000-0000000000f9"
    await aconn.execute(
        "insert into meta_sync.organization_members (organization_id, user_id) values (%s, %s)",
        (ORG, user),
    )
    before = await _snapshot(aconn)
    async with aconn.transaction():
        await aconn.execute("select set_config('request.jwt.claim.sub', %s, true)", (user,))
        with pytest.raises(NotAllowedError):
            await scheduling.set_sync_priority(aconn, account, "high", NOW)
    assert await _snapshot(aconn) == before


async def test_tier_change_returns_new_due_time(
    aconn: psycopg.AsyncConnection[Any], account: str
) -> None:
    next_sync = await scheduling.set_sync_priority(aconn, account, "low", NOW)
    assert next_sync == datetime(2026, 2, 1, 16, tzinfo=UTC)
    due = await scheduling.get_meta_accounts_due_for_sync(aconn, 10, next_sync)
    assert [d.account_id for d in due] == []  # no connection: never due
