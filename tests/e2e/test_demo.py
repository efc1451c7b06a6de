"""``metasync demo`` at a reduced scale: exits 0 and the database equals the emulator's truth."""

from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from metasync.cli import app
from metasync.demo import DEMO_DATABASE
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
