"""Helpers of the operator CLI tests: run the real command, checksum the tables, check that a
failure is one line."""

from __future__ import annotations

import psycopg
from typer.testing import CliRunner, Result

from metasync.cli import app
from metasync.settings import get_settings

TABLES = (
    "organizations", "meta_connections", "meta_ad_accounts", "sync_jobs", "sync_job_chunks",
    "meta_sync_config", "schedule_state", "ad_account_audit",
)  # fmt: skip


def invoke(env: dict[str, str], *args: str, input: str | None = None) -> Result:
    get_settings.cache_clear()
    return CliRunner().invoke(app, list(args), env=env, input=input)


def fingerprint(conn: psycopg.Connection) -> dict[str, str]:
    """md5 of every row of the operator's tables: equal before and after = nothing changed."""
    sums = {}
    for table in TABLES:
        row = conn.execute(
            f"select md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
            f" from meta_sync.{table} t"
        ).fetchone()
        assert row is not None
        sums[table] = str(row[0])
    return sums


def one_line_error(result: Result) -> str:
    """The command failed with exactly one line starting with ``error:`` and no traceback."""
    assert result.exit_code != 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]
