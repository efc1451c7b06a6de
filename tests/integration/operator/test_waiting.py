"""Jobs that wait say why: accepted with a warning, the reason in jobs/status/watch; watch ends
when nothing it shows can progress; an unknown job id is refused."""

from __future__ import annotations

import json
import time

import psycopg

from tests.support.operator_cli import fingerprint, invoke, one_line_error


def _job_of(conn: psycopg.Connection, account: str) -> int:
    row = conn.execute(
        "select max(id) from meta_sync.sync_jobs where account_id = %s", (account,)
    ).fetchone()
    assert row is not None and row[0] is not None
    return int(row[0])


def test_a_job_without_a_connection_is_accepted_with_a_warning_and_watch_ends(
    env: dict[str, str], conn: psycopg.Connection
) -> None:
    added = invoke(env, "accounts", "add", "act_7200001", "--org", "NoToken")

    assert added.exit_code == 0, added.output
    job = _job_of(conn, "act_7200001")
    assert f"warning: job {job} waits: no connection" in added.output
    assert "metasync connect --org 'NoToken' --account act_7200001" in added.output
    jobs = json.loads(invoke(env, "jobs", "--json").output)
    assert [(j["job_id"], j["waiting_reason"]) for j in jobs] == [(job, "no connection")]
    status = json.loads(invoke(env, "status", "--json").output)
    assert status[0]["waiting_reason"] == "no connection"

    began = time.monotonic()
    watched = invoke(env, "watch", str(job))

    assert watched.exit_code == 1, watched.output
    assert f"job {job} (act_7200001) cannot progress: no connection" in watched.output
    assert time.monotonic() - began < 20


def test_a_manual_sync_of_a_paused_account_warns_and_says_how_to_resume(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    assert invoke(env, "accounts", "add", "act_7200002", "--org", "AgencyOne").exit_code == 0
    assert invoke(env, "accounts", "pause", "act_7200002").exit_code == 0

    synced = invoke(env, "sync", "act_7200002", "--since", "2026-01-01", "--until", "2026-01-03")

    assert synced.exit_code == 0, synced.output
    job = _job_of(conn, "act_7200002")
    assert (
        f"job {job} waits: account paused (metasync accounts resume act_7200002)" in synced.output
    )
    shown = invoke(env, "job", "show", str(job))
    assert "account paused" in shown.output
    listed = invoke(env, "jobs", "act_7200002")
    assert "account paused" in listed.output
    assert "account paused" in invoke(env, "status").output
    watched = invoke(env, "watch", str(job))
    assert watched.exit_code == 1 and "cannot progress: account paused" in watched.output

    assert invoke(env, "accounts", "resume", "act_7200002").exit_code == 0
    rows = json.loads(invoke(env, "jobs", "--json", "--open").output)
    assert all(r["waiting_reason"] is None for r in rows)


def test_a_backed_off_account_waits_until_a_time(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    assert invoke(env, "accounts", "add", "act_7200003", "--org", "AgencyOne").exit_code == 0
    conn.execute(
        "update meta_sync.meta_ad_accounts set rate_limit_backoff_until = now() + interval '10 min'"
        " where id = 'act_7200003'"
    )
    rows = json.loads(invoke(env, "jobs", "--json").output)
    assert rows[0]["waiting_reason"] == "account throttled by Meta"
    assert rows[0]["waiting_until"] is not None  # it will go on by itself: watch keeps watching
    assert "account throttled by" in invoke(env, "jobs").output


def test_watch_refuses_an_unknown_job_id_at_once(
    env: dict[str, str], conn: psycopg.Connection
) -> None:
    before = fingerprint(conn)
    began = time.monotonic()
    line = one_line_error(invoke(env, "watch", "424242"))
    assert "no sync job 424242" in line
    assert time.monotonic() - began < 10
    assert "no sync job 424242" in one_line_error(invoke(env, "job", "show", "424242"))
    assert "no such job: 424242" in one_line_error(invoke(env, "job", "cancel", "424242"))
    assert "no such job: 424242" in one_line_error(invoke(env, "job", "retry", "424242"))
    assert fingerprint(conn) == before
