"""``metasync watch``: progress bars fed by LISTEN meta_sync_progress; exits when jobs are final."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest
from click.testing import Result
from typer.testing import CliRunner

from metasync.cli import app

runner = CliRunner()
ACCOUNT = "act_777"


@pytest.fixture
def job_id(conn: psycopg.Connection) -> int:
    org = conn.execute("insert into meta_sync.organizations (name) values ('Acme') returning id")
    org_id = org.fetchone()[0]  # type: ignore[index]
    conn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, created_time)"
        " values (%s, %s, now() - interval '400 days')",
        (ACCOUNT, org_id),
    )
    row = conn.execute(
        "select meta_sync.request_manual_sync(%s, current_date - 10, current_date - 3)", (ACCOUNT,)
    ).fetchone()
    assert row is not None
    return int(row[0])


def _watch_in_thread(env: dict[str, str], args: list[str]) -> tuple[threading.Thread, list[Any]]:
    out: list[Result] = []
    wide = {**env, "COLUMNS": "200"}
    thread = threading.Thread(
        target=lambda: out.append(runner.invoke(app, ["watch", *args], env=wide)), daemon=True
    )
    thread.start()
    return thread, out


def _wait_until_listening(conn: psycopg.Connection, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = conn.execute(
            "select count(*) from pg_stat_activity where datname = current_database()"
            " and pid <> pg_backend_pid()"
            " and (query ilike 'listen%%' or query ilike '%%sync_job_progress%%')"
        ).fetchone()
        if row and row[0]:
            return
        time.sleep(0.05)
    raise AssertionError("watch never started listening")


def _progress(conn: psycopg.Connection, job: int, status: str, done: int, rows: int) -> None:
    conn.execute(
        "update meta_sync.sync_jobs set status = %s, total_chunks = 4, completed_chunks = %s,"
        " progress_percentage = %s, insight_rows_written = %s, ads_synced = 17 where id = %s",
        (status, done, done * 25, rows, job),
    )


def test_watch_renders_notifications_and_exits_when_final(
    cli_env: dict[str, str], conn: psycopg.Connection, job_id: int
) -> None:
    thread, out = _watch_in_thread(cli_env, [str(job_id)])
    _wait_until_listening(conn)

    _progress(conn, job_id, "in_progress", 2, 1234)
    time.sleep(0.3)
    assert thread.is_alive(), "watch exited before the job was final"
    _progress(conn, job_id, "completed", 4, 4321)
    thread.join(timeout=20)

    assert not thread.is_alive(), "watch did not exit when the job became final"
    result = out[0]
    assert result.exit_code == 0, result.output
    assert ACCOUNT in result.output
    assert "manual" in result.output
    assert "4,321 rows" in result.output
    assert "4/4" in result.output
    assert "17a" in result.output


def test_watch_exits_1_when_a_job_fails(
    cli_env: dict[str, str], conn: psycopg.Connection, job_id: int
) -> None:
    thread, out = _watch_in_thread(cli_env, [])
    _wait_until_listening(conn)

    conn.execute(
        "update meta_sync.sync_jobs set status = 'failed', total_chunks = 1,"
        " failed_chunks = 1 where id = %s",
        (job_id,),
    )
    thread.join(timeout=20)

    assert not thread.is_alive()
    assert out[0].exit_code == 1
    assert f"job {job_id} ({ACCOUNT}) ended failed" in out[0].output


def test_watch_with_nothing_open_says_so(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["watch"], env=cli_env)

    assert result.exit_code == 0
    assert "nothing to watch" in result.output


def test_watch_of_an_unknown_organisation_is_refused(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["watch", "--org", "Nope"], env=cli_env)

    assert result.exit_code == 2
    assert "no organisation named 'Nope'" in result.output


def test_watch_org_follows_only_that_organisation(
    cli_env: dict[str, str], conn: psycopg.Connection, job_id: int
) -> None:
    conn.execute("insert into meta_sync.organizations (name) values ('Other')")
    result = runner.invoke(app, ["watch", "--org", "Other"], env=cli_env)

    assert result.exit_code == 0
    assert "nothing to watch" in result.output
