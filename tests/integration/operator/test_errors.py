"""Errors for humans: every command fails with one line, a hint and a non-zero exit; a
traceback only with --debug."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from metasync.commands.errors import env_name
from metasync.graph.errors import APP_SECRET_SETTING, classify
from metasync.postgres.embedded import EmbeddedPostgres
from tests.support.operator_cli import invoke, one_line_error

COMMANDS = [
    ["status"], ["accounts", "list"], ["accounts", "show", "act_1"], ["orgs", "list"],
    ["jobs"], ["job", "show", "1"], ["config", "show"], ["schedule", "pause"],
    ["sync", "act_1", "--since", "2026-01-01", "--until", "2026-01-02"], ["watch", "1"],
    ["tier", "set", "act_1", "high"], ["accounts", "add", "act_1", "--org", "A"],
    ["db", "status"], ["db", "migrate"],
]  # fmt: skip
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/metasync"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_unreachable_database_is_one_line(args: list[str]) -> None:
    line = one_line_error(invoke({"DATABASE_URL": UNREACHABLE}, *args))
    assert "cannot reach the database" in line and "DATABASE_URL" in line


def test_refused_credentials_are_one_line(pg_cluster: EmbeddedPostgres) -> None:
    url = f"postgresql://nobody@127.0.0.1:{pg_cluster.port}/metasync"
    line = one_line_error(invoke({"DATABASE_URL": url}, "status"))
    assert "the database refused the credentials" in line and "DATABASE_URL" in line


@pytest.fixture
def empty_database(pg_cluster: EmbeddedPostgres) -> str:
    with psycopg.connect(pg_cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute("drop database if exists unmigrated")
        conn.execute("create database unmigrated")
    return pg_cluster.url_for("unmigrated")


@pytest.mark.parametrize(
    "args", [a for a in COMMANDS if a[0] != "db"], ids=lambda a: " ".join(a[:2])
)
def test_unmigrated_database_says_run_db_migrate(empty_database: str, args: list[str]) -> None:
    line = one_line_error(invoke({"DATABASE_URL": empty_database}, *args))
    assert "run `metasync db migrate`" in line


def test_taken_embedded_port_is_one_line(tmp_path: Path, pg_cluster: EmbeddedPostgres) -> None:
    env = {"DATABASE_URL": None, "METASYNC_HOME": str(tmp_path),
           "METASYNC_EMBEDDED_PORT": str(pg_cluster.port)}  # fmt: skip
    line = one_line_error(invoke(env, "status"))  # type: ignore[arg-type]
    assert f"port {pg_cluster.port}" in line and "METASYNC_EMBEDDED_PORT" in line
    assert not (tmp_path / "pg").exists()  # nothing was created


@pytest.mark.parametrize(
    ("variable", "value"),
    [("METASYNC_WORKER_CONCURRENCY", "many"), ("METASYNC_LEASE_SECONDS", "1"),
     ("METASYNC_SERVE_PORT", "0")],
)  # fmt: skip
def test_invalid_setting_is_named_by_its_variable(
    env: dict[str, str], variable: str, value: str
) -> None:
    line = one_line_error(invoke({**env, variable: value}, "status"))
    assert f"invalid setting {variable}='{value}'" in line


@pytest.mark.parametrize(
    "args",
    [["jobs", "--limit", "0"], ["jobs", "--limit", "x"], ["tier", "set", "act_1", "urgent"],
     ["tier", "set", "act_x", "high"], ["job", "show", "0"], ["nosuch"],
     ["accounts", "add", "act_1"], ["sync", "act_1", "--since", "yesterday"],
     ["config", "set", "high"], ["config", "set", "high", "--interval-minutes", "1"]],
    ids=lambda a: " ".join(a),
)  # fmt: skip
def test_invalid_option_values_are_one_line_with_a_hint(
    env: dict[str, str], conn: psycopg.Connection, args: list[str]
) -> None:
    result = invoke(env, *args)
    line = one_line_error(result)
    assert result.exit_code == 2, line
    assert len(line) < 300


def test_debug_shows_the_traceback() -> None:
    quiet = invoke({"DATABASE_URL": UNREACHABLE}, "status")
    loud = invoke({"DATABASE_URL": UNREACHABLE}, "--debug", "status")
    assert quiet.exception is not None and isinstance(quiet.exception, SystemExit)
    assert isinstance(loud.exception, psycopg.OperationalError)


def test_the_installed_command_prints_one_line() -> None:
    """The real entry point (a subprocess), not only CliRunner."""
    env = {**os.environ, "DATABASE_URL": UNREACHABLE}
    quiet = subprocess.run([Path(sys.executable).parent / "metasync", "jobs"], env=env,
                           capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    loud = subprocess.run([Path(sys.executable).parent / "metasync", "--debug", "jobs"], env=env,
                          capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert quiet.returncode == 1 and quiet.stdout == ""
    assert quiet.stderr.count("\n") == 1 and quiet.stderr.startswith("error: cannot reach")
    assert loud.returncode == 1 and "Traceback" in loud.stderr


def test_run_once_exits_non_zero_when_no_database_call_succeeded() -> None:
    keys = "k1:" + "A" * 43 + "="
    env = {"DATABASE_URL": UNREACHABLE, "METASYNC_TOKEN_KEYS": keys}
    result = invoke(env, "run", "--once", "--max-seconds", "2",
                    "--log-level", "ERROR")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "reached no database" in result.output
    assert "pass done" not in result.output


def test_a_missing_key_setting_is_one_line() -> None:
    line = one_line_error(invoke({"DATABASE_URL": UNREACHABLE}, "run", "--once"))
    assert "METASYNC_TOKEN_KEYS is not set" in line


def test_missing_appsecret_proof_names_the_setting() -> None:
    body = ('{"error": {"message": "API calls from the server require an appsecret_proof'
            ' argument", "type": "GraphMethodException", "code": 100}}')  # fmt: skip
    error = classify(400, body, {})
    assert error is not None
    assert f"set {APP_SECRET_SETTING}" in str(error)
    assert env_name("meta_app_secret") == APP_SECRET_SETTING
