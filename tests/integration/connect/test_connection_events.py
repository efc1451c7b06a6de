"""Connection changes reach LISTEN connections as JSON on channel meta_sync_connections."""

from __future__ import annotations

import json

import psycopg


def _drain(listener: psycopg.Connection) -> list[dict[str, object]]:
    return [json.loads(note.payload) for note in listener.notifies(timeout=0.5, stop_after=None)]


def test_new_dead_revoked_and_reconnected_connections_are_announced(
    database_url: str, conn: psycopg.Connection
) -> None:
    org = conn.execute("insert into meta_sync.organizations (name) values ('events')"
                       " returning id").fetchone()[0]  # type: ignore[index]  # fmt: skip
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute("listen meta_sync_connections")
        cid = conn.execute(
            "insert into meta_sync.meta_connections (organization_id, token_ciphertext,"
            " token_key_id, expires_at) values (%s, '\\x00', 'k1', '2026-05-01Z') returning id",
            (org,),
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "update meta_sync.meta_connections set status = 'expired' where id = %s", (cid,)
        )
        conn.execute("update meta_sync.meta_connections set last_error = 'x' where id = %s", (cid,))
        conn.execute("update meta_sync.meta_connections set missing_scopes = '{ads_read}'")
        conn.execute("update meta_sync.meta_connections set status = 'active',"
                     " expires_at = '2026-07-01Z', missing_scopes = '{}'")  # fmt: skip
        events = _drain(listener)
    assert [e["status"] for e in events] == ["active", "expired", "expired", "active"]
    assert events[2]["missing_scopes"] == ["ads_read"]
    assert events[-1]["expires_at"] == "2026-07-01T00:00:00+00:00"
    assert all(e["connection_id"] == str(cid) and e["organization_id"] == str(org) for e in events)
    assert not any("token" in key for e in events for key in e), "never the token"
