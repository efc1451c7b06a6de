"""A claim never waits for a job row another transaction holds; the job still starts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg

T0 = datetime(2030, 2, 1, tzinfo=UTC)
CLAIM = "select chunk_id, lease_token from meta_sync.claim_sync_chunks(%s, %s, 600, %s)"


def _job(conn: psycopg.Connection) -> tuple[str, datetime | None]:
    row = conn.execute("select status::text, started_at from meta_sync.sync_jobs").fetchone()
    assert row is not None
    return row[0], row[1]


def test_a_claim_does_not_wait_for_a_held_job_row(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    first, second = seed_chunks(chunks=2)
    with psycopg.connect(database_url) as holder:
        # Another transaction holds the pending job's row (a claimer starting it, a cancel ...).
        holder.execute("select id from meta_sync.sync_jobs for no key update")
        with psycopg.connect(database_url, autocommit=True) as claimer:
            # Waiting would fail the claim after 2 s instead of hanging the test.
            claimer.execute("set lock_timeout = '2s'")
            rows = claimer.execute(CLAIM, ("w1", 1, T0)).fetchall()
        assert [row[0] for row in rows] == [first]
        holder.rollback()
    assert _job(conn) == ("pending", None), "the held job is left to start later"

    # The job's next claim starts it.
    lease = conn.execute(CLAIM, ("w2", 1, T0)).fetchall()
    assert [row[0] for row in lease] == [second]
    assert _job(conn) == ("in_progress", T0)


def test_the_first_outcome_starts_a_job_left_pending(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    first, _second = seed_chunks(chunks=2)
    with psycopg.connect(database_url) as holder:
        holder.execute("select id from meta_sync.sync_jobs for no key update")
        with psycopg.connect(database_url, autocommit=True) as claimer:
            claimer.execute("set lock_timeout = '2s'")
            rows = claimer.execute(CLAIM, ("w1", 1, T0)).fetchall()
        holder.rollback()
    assert [row[0] for row in rows] == [first]
    assert _job(conn)[0] == "pending"

    done = T0 + timedelta(minutes=1)
    status = conn.execute(
        "select meta_sync.complete_sync_chunk(%s, %s, 10, 1, p_now => %s)::text",
        (first, rows[0][1], done),
    ).fetchone()
    assert status == ("in_progress",)
    assert _job(conn) == ("in_progress", done)
