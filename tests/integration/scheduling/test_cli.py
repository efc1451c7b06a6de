"""``metasync status``, ``tier set`` and ``accounts add`` against a real database."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from typer.testing import CliRunner

from metasync.cli import app
from metasync.settings import get_settings


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _count(conn: psycopg.Connection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def _add(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["accounts", "add", *args])
    return result.exit_code, result.output


def test_accounts_add_creates_org_account_and_onboarding(
    runner: CliRunner, conn: psycopg.Connection
) -> None:
    code, output = _add(runner, "--org", "Acme", "act_42", "--name", "Shop", "--currency", "EUR",
                        "--timezone", "Asia/Kolkata", "--created-time", "2024-05-01",
                        "--tier", "high")  # fmt: skip
    assert code == 0, output
    assert "phase 1 enqueued (job" in output
    row = conn.execute(
        "select o.name, a.meta_sync_priority::text, a.timezone_name"
        " from meta_sync.meta_ad_accounts a"
        " join meta_sync.organizations o on o.id = a.organization_id where a.id = 'act_42'"
    ).fetchone()
    assert row == ("Acme", "high", "Asia/Kolkata")
    assert _count(conn, "select count(*) from meta_sync.sync_jobs where account_id = 'act_42'") == 1
    code, output = _add(runner, "--org", "Acme", "act_43")
    assert code == 0, output
    assert _count(conn, "select count(*) from meta_sync.organizations where name = 'Acme'") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--org", "Acme", "42"],
        ["--org", "Acme", "act_42", "--tier", "urgent"],
        ["--org", "Acme", "act_42", "--timezone", "Mars/Olympus"],
        ["--org", "Acme", "act_42", "--currency", "euro"],
        ["--org", "Acme", "act_42", "--created-time", "yesterday"],
        ["--org", "5c000000-0000-0000-0000-00000000dead", "act_42"],
    ],
)
def test_accounts_add_refuses_bad_input(
    runner: CliRunner, conn: psycopg.Connection, args: list[str]
) -> None:
    code, output = _add(runner, *args)
    assert code == 2, output
    assert "error:" in output and "Traceback" not in output
    assert _count(conn, "select count(*) from meta_sync.organizations") == 0
    assert _count(conn, "select count(*) from meta_sync.meta_ad_accounts") == 0


def test_tier_set_and_status(runner: CliRunner, conn: psycopg.Connection) -> None:
    assert _add(runner, "--org", "Beta", "act_7")[0] == 0
    result = runner.invoke(app, ["tier", "set", "act_7", "low"])
    assert result.exit_code == 0, result.output
    assert conn.execute(
        "select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_7'"
    ).fetchone() == ("low",)
    for bad in (["act_7", "urgent"], ["7", "high"], ["act_8", "high"]):
        result = runner.invoke(app, ["tier", "set", *bad])
        assert result.exit_code == 2, result.output
    assert conn.execute(
        "select meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_7'"
    ).fetchone() == ("low",)

    result = runner.invoke(app, ["status", "--org", "Beta", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["account_id"], r["tier"], r["running_job_phase"]) for r in rows] == [
        ("act_7", "low", "recent_window")
    ]
    assert not any("token" in key for key in rows[0])
    assert json.loads(runner.invoke(app, ["status", "--org", "Nobody", "--json"]).output) == []
    table = runner.invoke(app, ["status"])
    assert table.exit_code == 0 and "act_7" in table.output
    assert rows[0]["onboarding_retry_at"] is None  # set when a failed phase 1 waits to come back
    compact = table.output.splitlines()
    assert max(map(len, compact)) <= 80 and any("phase 1 0 %" in line for line in compact)
    wide = runner.invoke(app, ["status", "--wide"])
    assert wide.exit_code == 0 and "act_7" in wide.output
