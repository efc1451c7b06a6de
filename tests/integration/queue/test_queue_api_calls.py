"""Graph calls spent on a failed or released chunk reach its job through the Python wrappers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg

from metasync.db.queue import claim_sync_chunks, fail_sync_chunk, release_sync_chunks

T0 = datetime(2030, 2, 1, tzinfo=UTC)


async def test_failed_and_released_chunks_count_their_calls(
    aconn: psycopg.AsyncConnection, seed_chunks: Callable[..., list[int]]
) -> None:
    seed_chunks(chunks=1)
    (chunk,) = await claim_sync_chunks(aconn, "w1", 1, 60, T0)
    await fail_sync_chunk(aconn, chunk, "timeout", retryable=True, now=T0, api_calls=3)

    later = T0 + timedelta(minutes=5)
    (again,) = await claim_sync_chunks(aconn, "w1", 1, 60, later)
    released = await release_sync_chunks(aconn, "w1", [again.chunk_id], later, api_calls=2)
    assert released == 1

    cur = await aconn.execute(
        "select j.api_calls, c.api_calls, c.status::text from meta_sync.sync_jobs j"
        " join meta_sync.sync_job_chunks c on c.job_id = j.id where c.id = %s",
        (chunk.chunk_id,),
    )
    assert await cur.fetchone() == (5, 5, "pending")
