"""meta_sync.request_webhook_resync: one open webhook job per account, one structure chunk."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from tests.support.server_helpers import seed_account

AConn = psycopg.AsyncConnection[Any]
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def resync(aconn: AConn, account: str) -> int | None:
    cur = await aconn.execute("select meta_sync.request_webhook_resync(%s, %s)", (account, NOW))
    row = await cur.fetchone()
    return None if row is None else row[0]


async def chunks(aconn: AConn, job_id: int) -> list[tuple[Any, ...]]:
    cur = await aconn.execute(
        "select chunk_type::text, status::text, updated_since, created_at, priority"
        " from meta_sync.sync_job_chunks where job_id = %s order by id",
        (job_id,),
    )
    return await cur.fetchall()


async def test_creates_one_structure_job_and_reuses_it(aconn: AConn) -> None:
    await seed_account(aconn)
    job = await resync(aconn, "act_111")
    assert job is not None
    assert await resync(aconn, "act_111") == job
    cur = await aconn.execute(
        "select sync_phase::text, sync_type::text, status::text, total_chunks, created_at,"
        " date_since from meta_sync.sync_jobs"
    )
    assert await cur.fetchall() == [("webhook", "manual", "pending", 1, NOW, None)]
    [(kind, status, updated_since, created, priority)] = await chunks(aconn, job)
    assert (kind, status, updated_since, created) == ("structure", "pending", None, NOW)
    assert priority == 21  # webhook phase, medium tier


async def test_adds_a_chunk_when_the_structure_chunk_already_runs(aconn: AConn) -> None:
    await seed_account(aconn)
    job = await resync(aconn, "act_111")
    assert job is not None
    await aconn.execute(
        "update meta_sync.sync_job_chunks set status = 'in_progress', locked_by = 'w',"
        " locked_until = now() + interval '1 minute', lease_token = gen_random_uuid()"
        " where job_id = %s",
        (job,),
    )
    assert await resync(aconn, "act_111") == job
    assert [c[1] for c in await chunks(aconn, job)] == ["in_progress", "pending"]
    cur = await aconn.execute("select total_chunks from meta_sync.sync_jobs where id = %s", (job,))
    assert await cur.fetchone() == (2,)


async def test_a_finished_job_is_not_reused(aconn: AConn) -> None:
    await seed_account(aconn)
    first = await resync(aconn, "act_111")
    await aconn.execute(
        "update meta_sync.sync_jobs set status = 'cancelled' where id = %s", (first,)
    )
    second = await resync(aconn, "act_111")
    assert second is not None and second != first


async def test_unknown_account_is_null_and_malformed_id_is_22007(aconn: AConn) -> None:
    assert await resync(aconn, "act_404") is None
    with pytest.raises(psycopg.errors.InvalidDatetimeFormat):  # SQLSTATE 22007
        await resync(aconn, "404")
