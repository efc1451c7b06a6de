"""The Supabase-only parts are guarded: on a database where pg_cron, pg_net, Vault and Realtime
are absent the migrations did nothing Supabase-specific, and the nudge still wakes listeners."""

from __future__ import annotations

import psycopg


def test_cron_is_left_alone_outside_cron_database(conn: psycopg.Connection) -> None:
    name, cron_db = conn.execute(
        "select current_database(), current_setting('cron.database_name', true)"
    ).fetchone() or (None, None)
    assert name != cron_db
    assert conn.execute("select to_regclass('cron.job')").fetchone() == (None,)
    assert conn.execute("select meta_sync.schedule_cron_jobs()").fetchone() == (False,)
    assert conn.execute("select to_regclass('cron.job')").fetchone() == (None,)


def test_realtime_pieces_are_no_ops_without_realtime(conn: psycopg.Connection) -> None:
    assert conn.execute(
        "select meta_sync.add_to_realtime_publication(), meta_sync.authorize_realtime_topics()"
    ).fetchone() == (False, False)


def test_nudge_wakes_listening_workers(database_url: str, conn: psycopg.Connection) -> None:
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute("listen meta_sync_wake")
        assert conn.execute("select meta_sync.nudge_workers()").fetchone() == (False,)
        channels = [n.channel for n in listener.notifies(timeout=5, stop_after=1)]
    assert channels == ["meta_sync_wake"]


def test_the_worker_role_runs_the_queue(conn: psycopg.Connection) -> None:
    """The worker's grants are enough for its job: enqueue, claim and complete a chunk."""
    conn.execute(
        "insert into meta_sync.organizations (id, name) values"
        " ('aaaaaaaa-0000-4000-8000-000000000001', 'A');"
        " insert into meta_sync.meta_connections"
        " (id, organization_id, token_ciphertext, token_key_id) values"
        " ('aaaaaaaa-0000-4000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-000000000001',"
        " '\\x01', 'k1');"
        " insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id) values"
        " ('act_1001', 'aaaaaaaa-0000-4000-8000-000000000001',"
        " 'aaaaaaaa-0000-4000-8000-0000000000c1')"
    )
    with conn.transaction():
        conn.execute("set local role meta_sync_worker")
        conn.execute("select meta_sync.enqueue_due_syncs()")
        claimed = conn.execute(
            "select chunk_id, lease_token from meta_sync.claim_sync_chunks('w1', 1)"
        ).fetchall()
        assert len(claimed) == 1
        status = conn.execute("select meta_sync.complete_sync_chunk(%s, %s)", claimed[0]).fetchone()
        assert status is not None
        token = conn.execute("select token_ciphertext from meta_sync.meta_connections").fetchone()
        assert token == (b"\x01",)
