"""The sync_phase value recent_90_days became recent_window: a database of the 0.1.0 baseline with
an onboarding job in progress comes through the migrations with its job renamed, and every
function that names the phase still works on it."""

from __future__ import annotations

import psycopg

from metasync import schema
from metasync.postgres.embedded import EmbeddedPostgres
from metasync.postgres.migrate import migrate

NOW = "2026-11-30 12:00:00+00"
ACCOUNT = "act_90001"


def _baseline_database_with_phase_1(cluster: EmbeddedPostgres) -> tuple[str, int]:
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute("create database renamed_phase")
    url = cluster.url_for("renamed_phase")
    migrate(url, target=schema.migrations()[0].version)
    with psycopg.connect(url) as conn:
        org = conn.execute(
            "insert into meta_sync.organizations (name) values ('renamers') returning id"
        ).fetchone()
        assert org is not None
        conn.execute(
            "insert into meta_sync.meta_ad_accounts (id, organization_id) values (%s, %s)",
            (ACCOUNT, org[0]),
        )
        row = conn.execute(
            "select meta_sync.start_account_onboarding(%s, %s::timestamptz)", (ACCOUNT, NOW)
        ).fetchone()
        assert row is not None
        phase = conn.execute(
            "select sync_phase::text from meta_sync.sync_jobs where id = %s", (row[0],)
        ).fetchone()
        assert phase == ("recent_90_days",)
    return url, int(row[0])


def test_an_open_phase_1_job_comes_through_the_rename(pg_cluster: EmbeddedPostgres) -> None:
    url, job_id = _baseline_database_with_phase_1(pg_cluster)
    migrate(url)
    with psycopg.connect(url) as conn:
        phase = conn.execute(
            "select sync_phase::text from meta_sync.sync_jobs where id = %s", (job_id,)
        ).fetchone()
        assert phase == ("recent_window",)
        labels = conn.execute(
            "select array_agg(enumlabel::text order by enumsortorder) from pg_enum"
            " where enumtypid = 'meta_sync.sync_phase'::regtype"
        ).fetchone()
        assert labels is not None and "recent_90_days" not in labels[0]
        # The replaced bodies find the open job by its new name (a body still naming the old
        # value would fail with 22P02) and keep onboarding idempotent.
        again = conn.execute(
            "select meta_sync.start_account_onboarding(%s, %s::timestamptz)", (ACCOUNT, NOW)
        ).fetchone()
        assert again == (job_id,)
        assert conn.execute(
            "select meta_sync.chunk_priority('recent_window', 'medium')"
        ).fetchone() == (11,)
        conn.execute("select * from meta_sync.enqueue_due_syncs(10, %s::timestamptz)", (NOW,))
        stale = conn.execute(
            "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname = 'meta_sync' and p.prosrc like '%recent_90_days%'"
        ).fetchall()
        assert stale == []
