"""Job progress reaches LISTEN connections as JSON on channel meta_sync_progress."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg

T0 = datetime(2030, 2, 1, tzinfo=UTC)


def _drain(listener: psycopg.Connection) -> list[dict[str, object]]:
    return [json.loads(note.payload) for note in listener.notifies(timeout=0.5, stop_after=None)]


def test_complete_publishes_progress_payload(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    first, _second = seed_chunks(chunks=2)
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute("listen meta_sync_progress")
        lease = conn.execute(
            "select lease_token from meta_sync.claim_sync_chunks('w1', 1, 600, %s)", (T0,)
        ).fetchone()
        assert lease is not None
        conn.execute(
            "select meta_sync.complete_sync_chunk(%s, %s, 42, 3, p_now => %s)",
            (first, lease[0], T0 + timedelta(minutes=1)),
        )
        events = _drain(listener)

    assert [event["status"] for event in events] == ["in_progress", "in_progress"]
    last = events[-1]
    assert last["completed_chunks"] == 1 and last["total_chunks"] == 2
    assert last["progress_percentage"] == 50.0
    assert last["insight_rows_written"] == 42 and last["api_calls"] == 3
    assert last["account_id"] == "act_700001"
    assert {
        "job_id",
        "organization_id",
        "sync_phase",
        "failed_chunks",
        "estimated_completion_at",
    } <= last.keys()


def test_no_event_for_a_no_op_update(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    seed_chunks(chunks=1)
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute("listen meta_sync_progress")
        conn.execute("update meta_sync.sync_jobs set updated_at = updated_at + interval '1 second'")
        assert _drain(listener) == []
        conn.execute("update meta_sync.sync_jobs set api_calls = api_calls + 1")
        assert len(_drain(listener)) == 1


def test_a_new_job_is_announced_once_with_its_total(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    seed_chunks(chunks=1)
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute("listen meta_sync_progress")
        row = conn.execute(
            "select meta_sync.create_sync_job('act_700001', 'manual', 'manual', '2030-01-01',"
            " '2030-01-14', 7, true, p_now => %s)",
            (T0,),
        ).fetchone()
        events = _drain(listener)

    assert row is not None
    assert [(event["job_id"], event["status"], event["total_chunks"]) for event in events] == [
        (row[0], "pending", 3)
    ]
