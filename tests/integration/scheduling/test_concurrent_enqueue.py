"""Several workers and pg_cron calling enqueue_due_syncs at once never duplicate a job."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import psycopg

NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)
ORG = "5c000000-0000-0000-0000-0000000000d1"
CONN = "5c000000-0000-0000-0000-0000000000d2"


def test_concurrent_enqueuers_create_each_job_once(
    conn: psycopg.Connection, database_url: str
) -> None:
    conn.execute("insert into meta_sync.organizations (id, name) values (%s, 'c')", (ORG,))
    conn.execute(
        "insert into meta_sync.meta_connections (id, organization_id, token_ciphertext,"
        " token_key_id) values (%s, %s, '\\x00', 'k')",
        (CONN, ORG),
    )
    conn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id,"
        " phase_1_completed_at, next_sync_at, last_settle_at, meta_sync_priority)"
        " select 'act_9' || g, %s, %s, %s, %s, %s, (array['high','medium','low'])[1 + g %% 3]::"
        "meta_sync.sync_tier from generate_series(1, 150) g",
        (ORG, CONN, NOW, NOW, NOW),
    )
    conn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id)"
        " select 'act_8' || g, %s, %s from generate_series(1, 30) g",
        (ORG, CONN),
    )
    barrier = threading.Barrier(8)
    returned: list[int] = []
    errors: list[BaseException] = []

    def enqueue() -> None:
        try:
            with psycopg.connect(database_url, autocommit=True) as c:
                barrier.wait()
                for _ in range(3):
                    rows = c.execute(
                        "select job_id from meta_sync.enqueue_due_syncs(40, %s)", (NOW,)
                    ).fetchall()
                    returned.extend(r[0] for r in rows)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=enqueue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    conn.execute("select * from meta_sync.enqueue_due_syncs(1000, %s)", (NOW,))
    counts = conn.execute(
        "select sync_phase::text, count(*), count(distinct account_id) from meta_sync.sync_jobs"
        " group by 1 order by 1"
    ).fetchall()
    assert counts == [("incremental", 150, 150), ("recent_window", 30, 30)]
    assert len(returned) == len(set(returned))
