"""A lease that expires hands the chunk to another worker; the first worker can no longer finish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from metasync.db.errors import LeaseLostError, translate

T0 = datetime(2030, 2, 1, tzinfo=UTC)
CLAIM = "select chunk_id, lease_token from meta_sync.claim_sync_chunks(%s, 1, 60, %s)"
COMPLETE = "select meta_sync.complete_sync_chunk(%s, %s, 10, 1, p_now => %s)"


def test_expired_lease_moves_to_another_worker_and_the_first_is_refused(
    conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    [chunk] = seed_chunks(chunks=1)
    first = conn.execute(CLAIM, ("w1", T0)).fetchone()
    assert first is not None and first[0] == chunk
    assert conn.execute(CLAIM, ("w2", T0 + timedelta(seconds=30))).fetchall() == []

    later = T0 + timedelta(seconds=61)
    assert conn.execute("select meta_sync.requeue_expired_leases(%s)", (later,)).fetchone() == (1,)
    second = conn.execute(CLAIM, ("w2", later)).fetchone()
    assert second is not None and second[0] == chunk and second[1] != first[1]

    with pytest.raises(psycopg.Error) as refused:
        conn.execute(COMPLETE, (chunk, first[1], later))
    assert isinstance(translate(refused.value), LeaseLostError)
    assert conn.execute(
        "select status::text, locked_by, rows_written from meta_sync.sync_job_chunks where id = %s",
        (chunk,),
    ).fetchone() == ("in_progress", "w2", 0)

    conn.execute(COMPLETE, (chunk, second[1], later + timedelta(seconds=5)))
    assert conn.execute(
        "select status::text, rows_written, retry_count from meta_sync.sync_job_chunks "
        "where id = %s",
        (chunk,),
    ).fetchone() == ("completed", 10, 1)


def test_rows_and_completion_roll_back_together(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    """The worker writes its rows and completes in one transaction: a refused completion takes
    the rows with it."""
    [chunk] = seed_chunks(chunks=1)
    claimed = conn.execute(CLAIM, ("w1", T0)).fetchone()
    assert claimed is not None
    conn.execute(
        "select meta_sync.cancel_sync_job(job_id) from meta_sync.sync_job_chunks where id = %s",
        (chunk,),
    )
    with (
        psycopg.connect(database_url) as worker,
        pytest.raises(psycopg.Error),
        worker.transaction(),
    ):
        worker.execute("update meta_sync.sync_jobs set requested_by = 'rows written'")
        worker.execute(COMPLETE, (chunk, claimed[1], T0 + timedelta(seconds=5)))
    assert conn.execute(
        "select count(*) from meta_sync.sync_jobs where requested_by = 'rows written'"
    ).fetchone() == (0,)
