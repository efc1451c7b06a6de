"""Workers completing chunks of one job at once: exact counts, one job end, no deadlock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg

T0 = datetime(2030, 2, 1, tzinfo=UTC)
WORKERS = 8


def _work(url: str, worker: str, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            start.wait()
            while rows := conn.execute(
                "select chunk_id, lease_token from meta_sync.claim_sync_chunks(%s, 5, 600, %s)",
                (worker, T0),
            ).fetchall():
                for chunk_id, lease in rows:
                    with conn.transaction():  # the chunk's rows would be written here
                        conn.execute(
                            "select meta_sync.complete_sync_chunk(%s, %s, 7, 1, p_now => %s)",
                            (chunk_id, lease, T0 + timedelta(minutes=1)),
                        )
    except BaseException as exc:  # pragma: no cover - reported by the assertion
        errors.append(exc)


def test_one_job_completed_by_eight_workers(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    seed_chunks(chunks=400, accounts=1)
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_work, args=(database_url, f"w{i}", start, errors))
        for i in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert conn.execute(
        """select status::text, completed_chunks, failed_chunks, progress_percentage,
                  insight_rows_written, api_calls
           from meta_sync.sync_jobs"""
    ).fetchone() == ("completed", 400, 0, 100, 2800, 400)
    # A manual re-read of an old range (January) ends once and leaves the schedule alone: it
    # says nothing about the freshness of the last days (finish_sync_job).
    assert conn.execute(
        "select count(*) filter (where completed_at is not null), min(completed_at)"
        " from meta_sync.sync_jobs"
    ).fetchone() == (1, T0 + timedelta(minutes=1))
    assert conn.execute(
        "select last_meta_sync_at, sync_error_count from meta_sync.meta_ad_accounts"
    ).fetchone() == (None, 0)
