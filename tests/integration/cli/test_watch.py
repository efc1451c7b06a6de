"""``metasync watch``: progress bars fed by LISTEN meta_sync_progress; exits when jobs are final."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from typing import Any

import psycopg
import pytest
from click.testing import Result
from rich.console import Console
from typer.testing import CliRunner

from metasync.cli import app
from metasync.postgres.embedded import EmbeddedPostgres
from metasync.postgres.migrate import migrate
from metasync.progress import ProgressBoard
from metasync.watch import Backoff, JobSelection, watch_jobs

runner = CliRunner()
ACCOUNT = "act_777"


@pytest.fixture
def job_id(conn: psycopg.Connection) -> int:
    return _open_job(conn)


def _open_job(conn: psycopg.Connection) -> int:
    """A pending manual sync job of account act_777 (organisation Acme, an active connection:
    a job that can progress); its id."""
    org = conn.execute("insert into meta_sync.organizations (name) values ('Acme') returning id")
    org_id = org.fetchone()[0]  # type: ignore[index]
    token = conn.execute(
        "insert into meta_sync.meta_connections (organization_id, token_ciphertext, token_key_id)"
        " values (%s, '\\x00', 'k1') returning id",
        (org_id,),
    ).fetchone()[0]  # type: ignore[index]
    conn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, created_time)"
        " values (%s, %s, %s, now() - interval '400 days')",
        (ACCOUNT, org_id, token),
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


def _terminate_watch(conn: psycopg.Connection) -> int:
    """End every other session on the test database (the watch's), waiting until they are gone."""
    row = conn.execute(
        "select count(*) filter (where pg_terminate_backend(pid, 5000)) from pg_stat_activity"
        " where datname = current_database() and pid <> pg_backend_pid()"
    ).fetchone()
    assert row is not None
    return int(row[0])


def _wait_until_watching(conn: psycopg.Connection, timeout: float = 15) -> None:
    """Both of the watch's sessions are open: it listens and has loaded the jobs again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = conn.execute(
            "select count(*) from pg_stat_activity where datname = current_database()"
            " and pid <> pg_backend_pid()"
        ).fetchone()
        if row and row[0] >= 2:
            return
        time.sleep(0.05)
    raise AssertionError("watch never came back")


def test_watch_reconnects_after_its_connection_drops_and_goes_on(
    cli_env: dict[str, str], conn: psycopg.Connection, job_id: int
) -> None:
    thread, out = _watch_in_thread(cli_env, [str(job_id)])
    _wait_until_watching(conn)
    _progress(conn, job_id, "in_progress", 1, 100)

    assert _terminate_watch(conn) >= 1
    _wait_until_watching(conn)
    assert thread.is_alive(), "watch died with its connection"
    _progress(conn, job_id, "in_progress", 2, 1234)
    time.sleep(0.3)
    _progress(conn, job_id, "completed", 4, 4321)
    thread.join(timeout=20)

    assert not thread.is_alive(), "watch did not exit when the job became final"
    result = out[0]
    assert result.exit_code == 0, result.output
    assert "database connection lost" in result.output
    assert "reconnected to the database" in result.output
    assert "4,321 rows" in result.output and "4/4" in result.output


def test_watch_shows_what_changed_while_it_was_disconnected(
    cli_env: dict[str, str], conn: psycopg.Connection, job_id: int
) -> None:
    thread, out = _watch_in_thread(cli_env, [])  # every open job: the job is not named
    _wait_until_watching(conn)

    for step in range(3):
        assert _terminate_watch(conn) >= 1
        # no one listens now (the watch waits 0.5 s first): these notifications are lost
        _progress(conn, job_id, "completed" if step == 2 else "in_progress", step + 1, 4321)
        if step < 2:
            _wait_until_watching(conn)
    thread.join(timeout=30)

    assert not thread.is_alive(), "the completion made while disconnected was never seen"
    result = out[0]
    assert result.exit_code == 0, result.output
    assert result.output.count("reconnected to the database") == 3
    assert "4,321 rows" in result.output


async def test_watch_survives_a_postgres_restart(own_cluster: EmbeddedPostgres) -> None:
    migrate(own_cluster.url)
    with psycopg.connect(own_cluster.url, autocommit=True) as setup:
        job = _open_job(setup)
    screen = io.StringIO()
    board = ProgressBoard(Console(file=screen, width=200))
    task = asyncio.create_task(
        watch_jobs(own_cluster.url, board, JobSelection(), backoff=Backoff(first=0.5, cap=2))
    )
    for _ in range(300):
        if job in board.jobs:
            break
        await asyncio.sleep(0.05)

    await asyncio.to_thread(own_cluster.stop)
    await asyncio.sleep(2.5)  # connection attempts fail meanwhile: 0.5 s, then 1 s, then 2 s
    assert not task.done(), "watch died with the database"
    await asyncio.to_thread(own_cluster.ensure_running)
    with psycopg.connect(own_cluster.url, autocommit=True) as after:
        _progress(after, job, "completed", 4, 4321)
    states = await asyncio.wait_for(task, 30)

    assert states[job].status == "completed" and states[job].rows == 4321
    assert "retrying in 1.0 s" in screen.getvalue()
    assert "reconnected to the database" in screen.getvalue()


async def test_watch_fails_at_once_when_the_database_is_unreachable_at_start() -> None:
    with pytest.raises(psycopg.OperationalError):
        await watch_jobs("postgresql://127.0.0.1:1/none", ProgressBoard(), JobSelection())


def test_backoff_doubles_up_to_its_cap() -> None:
    delays = [Backoff(first=0.5, cap=4).delay(n) for n in range(1, 7)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
