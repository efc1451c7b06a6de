"""Phase 1 + phase 2 + the incremental schedule cover every day exactly: no gap, phases disjoint.

Simulated weeks per time zone (+13, -10, +5:30), including a three-week pause; time moves by
``p_now`` only. Jobs are "run" by marking them completed and reporting the outcome the way the
chunk queue does (finish_onboarding_phase / update_meta_sync_status).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

ORG = "5c000000-0000-0000-0000-0000000000e1"
CONN = "5c000000-0000-0000-0000-0000000000e2"
START = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)


def _setup(conn: psycopg.Connection, tz: str) -> None:
    conn.execute("insert into meta_sync.organizations (id, name) values (%s, 'union')", (ORG,))
    conn.execute(
        "insert into meta_sync.meta_connections (id, organization_id, token_ciphertext,"
        " token_key_id) values (%s, %s, '\\x00', 'k')",
        (CONN, ORG),
    )
    conn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name,"
        " created_time, meta_sync_priority) values ('act_77', %s, %s, %s, %s, 'medium')",
        (ORG, CONN, tz, START - timedelta(days=700)),
    )


def _run_job(conn: psycopg.Connection, job_id: int, phase: str, now: datetime) -> None:
    conn.execute("update meta_sync.sync_jobs set status = 'completed' where id = %s", (job_id,))
    if phase in ("recent_window", "historical_backfill"):
        conn.execute("select meta_sync.finish_onboarding_phase(%s, %s)", (job_id, now))
    else:
        conn.execute(
            "select meta_sync.update_meta_sync_status('act_77', 'success', p_fresh_through =>"
            " (select date_until from meta_sync.sync_jobs where id = %s), p_now => %s)",
            (job_id, now),
        )


def _simulate(conn: psycopg.Connection) -> datetime:
    now = START
    for step in range(24 * 7 * 6):  # six weeks, hour by hour
        now = START + timedelta(hours=step, minutes=7 * (step % 5))
        conn.execute(
            "update meta_sync.meta_ad_accounts set paused = %s",
            (timedelta(days=10) <= now - START < timedelta(days=31),),
        )
        jobs = conn.execute(
            "select job_id, sync_phase::text from meta_sync.enqueue_due_syncs(100, %s)", (now,)
        ).fetchall()
        for job_id, phase in jobs:
            _run_job(conn, job_id, phase, now + timedelta(minutes=20))
        # Phase 2 is enqueued by finish_onboarding_phase, not by enqueue_due_syncs: run it too.
        for (job_id,) in conn.execute(
            "select id from meta_sync.sync_jobs where sync_phase = 'historical_backfill'"
            " and status = 'pending'"
        ).fetchall():
            _run_job(conn, job_id, "historical_backfill", now + timedelta(minutes=30))
    return now


def _ranges(conn: psycopg.Connection, phases: tuple[str, ...]) -> list[tuple[date, date]]:
    return conn.execute(
        "select c.date_since, c.date_until from meta_sync.sync_job_chunks c"
        " join meta_sync.sync_jobs j on j.id = c.job_id"
        " where c.chunk_type = 'insights' and j.sync_phase::text = any(%s)"
        " order by c.date_since",
        (list(phases),),
    ).fetchall()


@pytest.mark.parametrize("tz", ["Pacific/Tongatapu", "Pacific/Honolulu", "Asia/Kolkata"])
def test_phases_and_schedule_cover_every_day(conn: psycopg.Connection, tz: str) -> None:
    _setup(conn, tz)
    end = _simulate(conn)

    onboarding = _ranges(conn, ("recent_window", "historical_backfill"))
    for (_, until), (since, _) in itertools.pairwise(onboarding):
        assert since == until + timedelta(days=1), "phase chunks must touch: no gap, no overlap"
    (p1_since,) = conn.execute(
        "select date_since from meta_sync.sync_jobs where sync_phase = 'recent_window'"
    ).fetchone()
    (p2_until,) = conn.execute(
        "select date_until from meta_sync.sync_jobs where sync_phase = 'historical_backfill'"
    ).fetchone()
    assert p2_until + timedelta(days=1) == p1_since

    covered: set[date] = set()
    for since, until in _ranges(conn, ("recent_window", "historical_backfill", "incremental")):
        covered.update(since + timedelta(days=d) for d in range((until - since).days + 1))
    first = onboarding[0][0]
    last_today = end.astimezone(ZoneInfo(tz)).date()
    expected = {first + timedelta(days=d) for d in range((last_today - first).days + 1)}
    assert expected - covered == set(), "a day was never read"
    assert max(covered) <= last_today, "no day in the future of the account"
    incremental = conn.execute(
        "select count(*) from meta_sync.sync_jobs where sync_phase = 'incremental'"
    ).fetchone()
    assert incremental is not None and incremental[0] > 100
