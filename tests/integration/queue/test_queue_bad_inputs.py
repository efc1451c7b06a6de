"""Bad calls are refused with the documented SQLSTATE and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
import pytest

from metasync.db.errors import (
    InvalidArgumentError,
    LeaseLostError,
    MalformedIdError,
    MetaSyncDatabaseError,
    NotFoundError,
    WrongStateError,
    translate,
)

T0 = "2030-02-01T00:00:00Z"
MANUAL = "select meta_sync.request_manual_sync({}, null, '2030-02-01T00:00:00Z')"
NIL = "00000000-0000-0000-0000-000000000000"

CASES: list[tuple[str, type[MetaSyncDatabaseError]]] = [
    ("select * from meta_sync.claim_sync_chunks('', 1)", InvalidArgumentError),
    ("select * from meta_sync.claim_sync_chunks('w', 5000)", InvalidArgumentError),
    ("select * from meta_sync.claim_sync_chunks('w', 1, -5)", InvalidArgumentError),
    ("select * from meta_sync.heartbeat_sync_chunks('w', array[1], 0)", InvalidArgumentError),
    (f"select meta_sync.complete_sync_chunk(-1, '{NIL}')", NotFoundError),
    (f"select meta_sync.complete_sync_chunk({{chunk}}, '{NIL}')", LeaseLostError),
    (f"select meta_sync.complete_sync_chunk({{chunk}}, '{NIL}', -1)", InvalidArgumentError),
    (f"select meta_sync.fail_sync_chunk({{chunk}}, '{NIL}', 'x')", LeaseLostError),
    (f"select meta_sync.split_sync_chunk({{chunk}}, '{NIL}')", LeaseLostError),
    ("select meta_sync.cancel_sync_job(-1)", NotFoundError),
    ("select meta_sync.retry_failed_chunks(-1)", NotFoundError),
    (
        MANUAL.format("'700001', '2030-01-01', '2030-01-02'"),
        MalformedIdError,
    ),
    (
        MANUAL.format("'act_1', '2030-01-01', '2030-01-02'"),
        NotFoundError,
    ),
    (
        MANUAL.format("'act_700001', '2030-01-05', '2030-01-02'"),
        InvalidArgumentError,
    ),
    (
        MANUAL.format("'act_700001', '2030-01-05', '2030-02-02'"),
        InvalidArgumentError,
    ),
    (
        MANUAL.format("'act_700001', '2025-01-05', '2025-02-02'"),
        InvalidArgumentError,
    ),
    (
        "select meta_sync.record_rate_limit_state('planet', 'x', '', 1, 1, 1, 0, null, null)",
        InvalidArgumentError,
    ),
]

SNAPSHOT = """
select (select json_agg(c order by c.id) from meta_sync.sync_job_chunks c)::text,
       (select json_agg(j order by j.id) from meta_sync.sync_jobs j)::text,
       (select count(*) from meta_sync.meta_rate_limit_state)
"""


@pytest.mark.parametrize(("call", "error"), CASES, ids=[c[0][17:60] for c in CASES])
def test_refused_with_documented_error_and_nothing_changed(
    conn: psycopg.Connection,
    seed_chunks: Callable[..., list[int]],
    call: str,
    error: type[MetaSyncDatabaseError],
) -> None:
    [chunk, *_] = seed_chunks(chunks=3)
    conn.execute("select meta_sync.claim_sync_chunks('w', 1, 600, %s)", (T0,))
    before = conn.execute(SNAPSHOT).fetchone()
    with pytest.raises(psycopg.Error) as raised:
        conn.execute(call.format(chunk=chunk))
    assert type(translate(raised.value)) is error
    assert conn.execute(SNAPSHOT).fetchone() == before


def test_final_job_cannot_be_cancelled(
    conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    seed_chunks(chunks=1)
    conn.execute("update meta_sync.sync_jobs set status = 'completed'")
    with pytest.raises(psycopg.Error) as raised:
        conn.execute("select meta_sync.cancel_sync_job(id) from meta_sync.sync_jobs")
    assert type(translate(raised.value)) is WrongStateError
    assert conn.execute("select status::text from meta_sync.sync_jobs").fetchone() == ("completed",)


def test_the_time_zone_decides_what_is_future(
    conn: psycopg.Connection, seed_chunks: Callable[..., list[int]]
) -> None:
    seed_chunks(chunks=1)
    conn.execute("update meta_sync.meta_ad_accounts set timezone_name = 'Pacific/Kiritimati'")
    at = datetime(2030, 2, 1, 11, tzinfo=UTC)  # already 2030-02-02 01:00 in Kiritimati (UTC+14)
    job = conn.execute(
        "select meta_sync.request_manual_sync('act_700001', '2030-02-02', '2030-02-02', 'ops', %s)",
        (at,),
    ).fetchone()
    assert job is not None and job[0] > 0
