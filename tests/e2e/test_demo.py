"""``metasync demo`` at a reduced scale: exits 0 and the database equals the emulator's truth."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from typer.testing import CliRunner

from metasync.cli import app
from metasync.demo import DEMO_DATABASE, DEMO_LOCK
from metasync.postgres.embedded import EmbeddedPostgres
from metasync.settings import get_settings


@pytest.fixture
def demo_env(pg_cluster: EmbeddedPostgres) -> dict[str, str]:
    """The session's embedded cluster stands in for the user's (same home layout, same port)."""
    get_settings.cache_clear()
    return {
        "METASYNC_HOME": str(pg_cluster.data_dir.parent),
        "METASYNC_EMBEDDED_PORT": str(pg_cluster.port),
        "COLUMNS": "160",
    }


def _count(cluster: EmbeddedPostgres, sql: str) -> int:
    with psycopg.connect(cluster.url_for(DEMO_DATABASE)) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_demo_syncs_both_phases_and_equals_ground_truth(
    demo_env: dict[str, str], pg_cluster: EmbeddedPostgres
) -> None:
    args = ["demo", "--accounts", "2", "--no-large", "--latency-ms", "5"]
    args += ["--report-seconds", "0.5", "--timeout-seconds", "240"]

    result = CliRunner().invoke(app, args, env=demo_env)
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert ", 0 differences" in result.output
    assert "phase 1 (90 days)" in result.output and "phase 2 (history)" in result.output
    jobs = "select count(*) from meta_sync.sync_jobs where status <> 'completed'"
    assert _count(pg_cluster, jobs) == 0
    assert _count(pg_cluster, "select count(*) from meta_sync.meta_insights_daily") > 1000
    phase_2 = "select count(*) from meta_sync.meta_ad_accounts where phase_2_completed_at is null"
    assert _count(pg_cluster, phase_2) == 0
    # The demo says where its data is, and the command it prints shows it.
    line = next(x for x in result.output.splitlines() if "DATABASE_URL=" in x and "status" in x)
    url = line.split("DATABASE_URL=", 1)[1].split()[0]
    assert url == pg_cluster.url_for(DEMO_DATABASE)
    status = CliRunner().invoke(app, ["status", "--json"], env={**demo_env, "DATABASE_URL": url})
    get_settings.cache_clear()
    assert status.exit_code == 0, status.output
    assert len(json.loads(status.output)) == 2


def test_demo_rerun_starts_from_a_clean_database(
    demo_env: dict[str, str], pg_cluster: EmbeddedPostgres
) -> None:
    args = ["demo", "--accounts", "1", "--no-large", "--latency-ms", "0"]
    args += ["--report-seconds", "0.2", "--timeout-seconds", "240"]

    first = CliRunner().invoke(app, args, env=demo_env)
    second = CliRunner().invoke(app, args, env=demo_env)
    get_settings.cache_clear()

    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert _count(pg_cluster, "select count(*) from meta_sync.organizations") == 1
    assert _count(pg_cluster, "select count(*) from meta_sync.meta_connections") == 1


QUICK = ["demo", "--accounts", "1", "--no-large", "--latency-ms", "0", "--report-seconds", "0.2"]


def _admin(cluster: EmbeddedPostgres) -> psycopg.Connection:
    return psycopg.connect(cluster.url_for("postgres"), autocommit=True)


def _databases(cluster: EmbeddedPostgres) -> set[str]:
    with _admin(cluster) as conn:
        return {str(r[0]) for r in conn.execute("select datname from pg_database")}


@pytest.fixture
def neighbour(pg_cluster: EmbeddedPostgres) -> Iterator[psycopg.Connection]:
    """Another database of the cluster, with a row and an open session."""
    with _admin(pg_cluster) as conn:
        conn.execute("drop database if exists demo_neighbour with (force)")
        conn.execute("create database demo_neighbour")
    with psycopg.connect(pg_cluster.url_for("demo_neighbour"), autocommit=True) as conn:
        conn.execute("create table kept (note text); insert into kept values ('mine')")
        yield conn
    with _admin(pg_cluster) as conn:
        conn.execute("drop database demo_neighbour with (force)")


def _mark_demo_database(cluster: EmbeddedPostgres) -> None:
    """Leave something in metasync_demo that a clean start must not keep."""
    if DEMO_DATABASE not in _databases(cluster):
        with _admin(cluster) as conn:
            conn.execute(f"create database {DEMO_DATABASE}")
    with psycopg.connect(cluster.url_for(DEMO_DATABASE), autocommit=True) as conn:
        conn.execute("create table if not exists leftover (n int)")


def test_demo_recreates_only_its_own_database(
    demo_env: dict[str, str], pg_cluster: EmbeddedPostgres, neighbour: psycopg.Connection
) -> None:
    _mark_demo_database(pg_cluster)
    before = _databases(pg_cluster)

    result = CliRunner().invoke(app, [*QUICK, "--timeout-seconds", "240"], env=demo_env)
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert _databases(pg_cluster) == before
    assert neighbour.execute("select note from kept").fetchall() == [("mine",)]
    assert _count(pg_cluster, "select count(*) from pg_tables where tablename = 'leftover'") == 0


def test_a_second_demo_while_one_runs_is_refused_and_changes_nothing(
    demo_env: dict[str, str], pg_cluster: EmbeddedPostgres
) -> None:
    _mark_demo_database(pg_cluster)
    with _admin(pg_cluster) as running:
        running.execute("select pg_advisory_lock(%s)", (DEMO_LOCK,))
        result = CliRunner().invoke(app, QUICK, env=demo_env)
    get_settings.cache_clear()

    assert result.exit_code == 2, result.output
    assert "another demo is running" in result.output
    assert _count(pg_cluster, "select count(*) from pg_tables where tablename = 'leftover'") == 1


def test_demo_help_says_each_run_starts_from_a_clean_database() -> None:
    result = CliRunner().invoke(app, ["demo", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert "metasync_demo" in result.output and "dropped" in result.output
    assert "No other database" in result.output


def test_demo_gives_up_after_its_timeout(
    demo_env: dict[str, str], pg_cluster: EmbeddedPostgres
) -> None:
    args = ["demo", "--accounts", "1", "--no-large", "--latency-ms", "50"]
    args += ["--report-seconds", "5", "--timeout-seconds", "1"]

    result = CliRunner().invoke(app, args, env=demo_env)
    get_settings.cache_clear()

    assert result.exit_code == 1, result.output
    assert "gave up waiting after 1 s" in result.output
