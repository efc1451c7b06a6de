"""Many workers claiming at once never share a chunk and together take them all."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg

T0 = datetime(2030, 2, 1, tzinfo=UTC)

CLAIMERS = 8


def _claim_all(url: str, worker: str, start: threading.Barrier, out: list[int]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        start.wait()
        while True:
            rows = conn.execute(
                "select chunk_id from meta_sync.claim_sync_chunks(%s, 25, 600, %s)", (worker, T0)
            ).fetchall()
            if not rows:
                return
            out.extend(row[0] for row in rows)


def test_eight_claimers_get_disjoint_sets_covering_all(
    database_url: str, seed_chunks: Callable[..., list[int]]
) -> None:
    chunk_ids = seed_chunks(chunks=10_000, accounts=100)
    start = threading.Barrier(CLAIMERS)
    claimed: list[list[int]] = [[] for _ in range(CLAIMERS)]
    threads = [
        threading.Thread(target=_claim_all, args=(database_url, f"w{i}", start, claimed[i]))
        for i in range(CLAIMERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    everything = [chunk for worker in claimed for chunk in worker]
    doubles = [chunk for chunk, n in Counter(everything).items() if n > 1]
    assert doubles == []
    assert sorted(everything) == chunk_ids
    assert sum(1 for worker in claimed if worker) > 1, "the claims did not run concurrently"


def test_database_agrees_each_chunk_was_claimed_once(
    database_url: str, conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    seed_chunks(chunks=2_000, accounts=20)
    start = threading.Barrier(CLAIMERS)
    claimed: list[list[int]] = [[] for _ in range(CLAIMERS)]
    threads = [
        threading.Thread(target=_claim_all, args=(database_url, f"w{i}", start, claimed[i]))
        for i in range(CLAIMERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    row = conn.execute(
        """select count(*) filter (where status = 'in_progress'), max(claimed_count),
                  count(distinct lease_token)
           from meta_sync.sync_job_chunks"""
    ).fetchone()
    assert row == (2_000, 1, 2_000)
