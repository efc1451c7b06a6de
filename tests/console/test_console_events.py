"""/console/events: one LISTEN per process, fanned out per viewer; resumes without a gap."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import psycopg
import pytest

from metasync.console import events as events_module
from tests.console.console_helpers import ADMIN_B, MEMBER_A, OPERATOR_TOKEN, user_jwt
from tests.console.live import Live, next_event, read_events


def bump(conn: psycopg.Connection, job: int, completed: int, status: str = "in_progress") -> float:
    """A chunk's commit as the worker's transaction would record it; the commit time."""
    conn.execute(
        "update meta_sync.sync_jobs set completed_chunks = %s, status = %s,"
        " progress_percentage = round(100.0 * %s / total_chunks, 2) where id = %s",
        (completed, status, completed, job),
    )
    return time.monotonic()


def headers(token: str, last: str | None = None) -> dict[str, str]:
    out = {"Authorization": f"Bearer {token}"}
    return out | ({"Last-Event-ID": last} if last else {})


async def test_a_commit_reaches_the_stream_within_a_second_and_only_its_members(
    live: Live, conn: psycopg.Connection, world: dict[str, int]
) -> None:
    async with (
        httpx.AsyncClient(base_url=live.url, timeout=10) as client,
        client.stream("GET", "/console/events", headers=headers(user_jwt(MEMBER_A))) as a,
        client.stream("GET", "/console/events", headers=headers(OPERATOR_TOKEN)) as op,
    ):
        assert a.status_code == op.status_code == 200
        events_a, events_op = read_events(a), read_events(op)
        await asyncio.sleep(0.3)  # both subscribed
        bump(conn, world["act_2001"], 1)  # organisation B: not for A's member
        committed = bump(conn, world["act_1001"], 1)
        got = await next_event(events_a)
        assert got.data["job_id"] == world["act_1001"] and got.data["completed_chunks"] == 1
        assert got.at - committed < 1.0
        assert {"campaigns_synced", "running", "eta_seconds"} <= set(got.data)
        seen_op = [(await next_event(events_op)).data["job_id"] for _ in range(2)]
        assert seen_op == [world["act_2001"], world["act_1001"]]


async def test_a_job_stream_follows_its_account_and_resumes_after_a_drop(
    live: Live, conn: psycopg.Connection, world: dict[str, int]
) -> None:
    job = world["act_1001"]
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as client:
        async with client.stream(
            "GET", f"/console/events?job={job}", headers=headers(user_jwt(MEMBER_A))
        ) as first:
            events = read_events(first)
            await asyncio.sleep(0.3)
            bump(conn, world["act_1002"], 1)  # another account of the same organisation
            bump(conn, job, 1)
            got = await next_event(events)
            assert got.data["job_id"] == job
            last = got.id
        # the connection dropped; the job goes on and finishes meanwhile
        bump(conn, job, 2)
        conn.execute(
            "update meta_sync.sync_jobs set status = 'completed', progress_percentage = 100,"
            " completed_chunks = total_chunks where id = %s",
            (job,),
        )
        await asyncio.sleep(0.3)
        async with client.stream(
            "GET", f"/console/events?job={job}", headers=headers(user_jwt(MEMBER_A), last)
        ) as again:
            events = read_events(again)
            missed = [await next_event(events), await next_event(events)]
            assert missed[0].data["completed_chunks"] == 2
            assert missed[-1].data["status"] == "completed"


async def test_an_unknown_last_event_id_asks_the_page_to_resync(
    live: Live, conn: psycopg.Connection, world: dict[str, int]
) -> None:
    async with (
        httpx.AsyncClient(base_url=live.url, timeout=10) as client,
        client.stream(
            "GET", "/console/events", headers=headers(user_jwt(ADMIN_B), "deadbeef-12")
        ) as stream,
    ):
        first = await next_event(read_events(stream))
        assert first.event == "resync"
        assert first.id == live.app.state.console.hub.last_id


async def test_a_member_cannot_stream_another_organisation_s_job(
    live: Live, world: dict[str, int]
) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as client:
        response = await client.get(
            f"/console/events?job={world['act_2001']}", headers=headers(user_jwt(MEMBER_A))
        )
        assert response.status_code == 404
        assert (await client.get("/console/events")).status_code == 401


async def test_a_lost_listen_connection_makes_open_streams_resync(
    live: Live, conn: psycopg.Connection, world: dict[str, int]
) -> None:
    hub = live.app.state.console.hub
    async with (
        httpx.AsyncClient(base_url=live.url, timeout=10) as client,
        client.stream("GET", "/console/events", headers=headers(OPERATOR_TOKEN)) as stream,
    ):
        events = read_events(stream)
        await asyncio.sleep(0.3)
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where datname = current_database() and query ilike 'listen%meta_sync_progress%'"
            " and pid <> pg_backend_pid()"
        )
        deadline = time.monotonic() + 10
        while hub.reconnects == 0 or not hub.listening.is_set():
            assert time.monotonic() < deadline, "the hub did not listen again"
            await asyncio.sleep(0.05)
        bump(conn, world["act_1001"], 1)  # a commit after the gap: the stream resyncs first
        first, second = await next_event(events), await next_event(events)
        assert (first.event, second.event) == ("resync", "job")
        assert second.data["job_id"] == world["act_1001"]


@pytest.fixture
def fast_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub's sweep every 0.2 s (set before the server starts)."""
    monkeypatch.setattr(events_module, "SWEEP_SECONDS", 0.2)


async def test_a_stream_ends_when_its_token_expires(fast_sweep: None, live: Live) -> None:
    token = user_jwt(MEMBER_A, expires_in=2)
    async with (
        httpx.AsyncClient(base_url=live.url, timeout=10) as client,
        client.stream("GET", "/console/events", headers=headers(token)) as stream,
    ):
        assert stream.status_code == 200
        async for _ in stream.aiter_lines():
            pass  # until the server ends the stream
        expires = jwt.decode(token, options={"verify_signature": False})["exp"]
        assert expires <= time.time() < expires + 2
