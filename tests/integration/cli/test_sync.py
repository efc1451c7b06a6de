"""``metasync sync``: a manual job for a good range; clear refusals for bad ids and dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from typer.testing import CliRunner

from metasync.cli import app

runner = CliRunner()
ACCOUNT = "act_4242"


@pytest.fixture
def account(conn: psycopg.Connection) -> str:
    org = conn.execute("insert into meta_sync.organizations (name) values ('Acme') returning id")
    org_id = org.fetchone()[0]  # type: ignore[index]
    conn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id, timezone_name, created_time)"
        " values (%s, %s, 'Asia/Tokyo', now() - interval '400 days')",
        (ACCOUNT, org_id),
    )
    return ACCOUNT


def _sync(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["sync", *args], env=env)
    return result.exit_code, result.output


def test_manual_sync_creates_a_pending_manual_job(
    cli_env: dict[str, str], account: str, conn: psycopg.Connection
) -> None:
    today = datetime.now(UTC).date()
    since, until = today - timedelta(days=10), today - timedelta(days=3)

    code, output = _sync(cli_env, account, "--since", str(since), "--until", str(until))

    assert code == 0, output
    job = conn.execute(
        "select id, sync_phase::text, status::text, date_since, date_until"
        " from meta_sync.sync_jobs where account_id = %s",
        (account,),
    ).fetchone()
    assert job is not None
    assert job[1:] == ("manual", "pending", since, until)
    assert f"job {job[0]}" in output


def test_manual_sync_defaults_to_the_tier_window(
    cli_env: dict[str, str], account: str, conn: psycopg.Connection
) -> None:
    code, output = _sync(cli_env, account)

    assert code == 0, output
    row = conn.execute(
        "select date_until - date_since + 1 from meta_sync.sync_jobs where account_id = %s",
        (account,),
    ).fetchone()
    assert row == (3,)  # medium tier re-reads 3 days


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-02-10", "--until", "2026-02-01"], "after"),
        (["--since", "2026-13-01", "--until", "2026-02-01"], "not a date"),
    ],
)
def test_bad_dates_are_refused_before_the_database(
    cli_env: dict[str, str], account: str, conn: psycopg.Connection, args: list[str], message: str
) -> None:
    code, output = _sync(cli_env, account, *args)

    assert code == 2
    assert message in output
    assert conn.execute("select count(*) from meta_sync.sync_jobs").fetchone() == (0,)


def test_future_or_too_old_ranges_are_refused_by_sql(
    cli_env: dict[str, str], account: str, conn: psycopg.Connection
) -> None:
    today = datetime.now(UTC).date()
    future = _sync(cli_env, account, "--since", str(today), "--until", str(today + timedelta(5)))
    old = _sync(cli_env, account, "--since", "2020-01-01", "--until", "2020-01-31")

    for code, output in (future, old):
        assert code == 2, output
        assert "sync refused" in output
    assert conn.execute("select count(*) from meta_sync.sync_jobs").fetchone() == (0,)


@pytest.mark.parametrize("bad_id", ["4242", "act_12x", "act_999999"])
def test_bad_or_unknown_account_ids_are_refused(
    cli_env: dict[str, str], account: str, conn: psycopg.Connection, bad_id: str
) -> None:
    code, output = _sync(cli_env, bad_id, "--since", "2026-01-01", "--until", "2026-01-02")

    assert code == 2
    assert "sync refused" in output
    assert conn.execute("select count(*) from meta_sync.sync_jobs").fetchone() == (0,)
