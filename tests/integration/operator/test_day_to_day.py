"""The day-to-day CLI: accounts, orgs, jobs, job, config, schedule through the real commands;
status never cuts an account id at 80 columns; --help in the order of a user's day; every
option has help text."""

from __future__ import annotations

import json

import psycopg
from typer.main import get_command

from metasync.cli import app
from metasync.commands.errors import COMMAND_ORDER
from metasync.db import scheduling
from metasync.settings import get_settings
from tests.support.operator_cli import fingerprint, invoke, one_line_error

LONG_IDS = ["act_12345678901234567890", "act_12345678901234567891", "act_12345678901234567892"]


def test_status_never_cuts_an_account_id_at_80_columns(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    for account in LONG_IDS:
        assert invoke(env, "accounts", "add", account, "--org", "A very long organisation name"
                      " that would not fit anywhere").exit_code == 0  # fmt: skip
    conn.execute("update meta_sync.meta_ad_accounts set last_meta_sync_at = now(),"
                 " sync_error_count = 12345, last_sync_error = repeat('x', 200)")  # fmt: skip

    result = invoke(env, "status")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80, result.output
    for account in LONG_IDS:
        assert any(line.startswith(account + " ") for line in lines), result.output
    assert "last sync UTC" in lines[0] or "job" in lines[0]
    rows = json.loads(invoke(env, "status", "--json").output)
    assert sorted(r["account_id"] for r in rows) == LONG_IDS


def test_status_drops_columns_on_a_narrow_terminal_but_keeps_the_id(
    env: dict[str, str], org_with_connection: str
) -> None:
    assert invoke(env, "accounts", "add", LONG_IDS[0], "--org", "AgencyOne").exit_code == 0
    result = invoke({**env, "COLUMNS": "40"}, "status")
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 40, result.output
    assert LONG_IDS[0] in result.output


def test_accounts_list_show_pause_resume(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    assert invoke(env, "accounts", "add", "act_7300001", "--org", "AgencyOne", "--tier", "high",
                  "--name", "Shoes").exit_code == 0  # fmt: skip
    listed = json.loads(invoke(env, "accounts", "list", "--json", "--org", "agencyone").output)
    assert [(a["account_id"], a["tier"], a["paused"]) for a in listed] == [
        ("act_7300001", "high", False)
    ]
    paused = invoke(env, "accounts", "pause", "act_7300001")
    again = invoke(env, "accounts", "pause", "act_7300001")
    assert "act_7300001 paused" in paused.output and "already" in again.output
    shown = json.loads(invoke(env, "accounts", "show", "act_7300001", "--json").output)
    assert shown["paused"] is True and shown["account_name"] == "Shoes"
    assert "resumed" in invoke(env, "accounts", "resume", "act_7300001").output
    before = fingerprint(conn)
    assert 'no ad account "act_7300009"' in one_line_error(
        invoke(env, "accounts", "pause", "act_7300009")
    )
    assert "malformed" in one_line_error(invoke(env, "accounts", "show", "7300001"))
    assert fingerprint(conn) == before


def test_orgs_list(env: dict[str, str], org_with_connection: str) -> None:
    assert invoke(env, "accounts", "add", "act_7300002", "--org", "AgencyOne").exit_code == 0
    orgs = json.loads(invoke(env, "orgs", "list", "--json").output)
    assert [(o["name"], o["accounts"], o["active_connections"]) for o in orgs] == [
        ("AgencyOne", 1, 1)
    ]


def test_jobs_and_job_show_cancel_retry(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    assert invoke(env, "accounts", "add", "act_7300003", "--org", "AgencyOne").exit_code == 0
    job = json.loads(invoke(env, "jobs", "act_7300003", "--json").output)[0]["job_id"]
    shown = invoke(env, "job", "show", str(job))
    assert "recent_window" in shown.output and "UTC" in shown.output

    cancelled = invoke(env, "job", "cancel", str(job), "--reason", "wrong account")
    assert cancelled.exit_code == 0 and f"job {job} cancelled" in cancelled.output
    before = fingerprint(conn)
    assert "already cancelled" in one_line_error(invoke(env, "job", "cancel", str(job)))
    assert "is cancelled" in one_line_error(invoke(env, "job", "retry", str(job)))
    assert fingerprint(conn) == before
    assert json.loads(invoke(env, "jobs", "--json", "--open").output) == []


def test_config_show_and_set_with_the_sql_checks(
    env: dict[str, str], conn: psycopg.Connection
) -> None:
    shown = json.loads(invoke(env, "config", "show", "--json").output)
    assert {r["tier"] for r in shown} == {"high", "medium", "low"}
    before = fingerprint(conn)
    for args in (["--interval-minutes", "0"], ["--range-days", "91"],
                 ["--settle-days", "0"], ["--settle-interval-minutes", "5"],
                 ["--structure-refresh-minutes", "1"]):  # fmt: skip
        assert "out of range" in one_line_error(invoke(env, "config", "set", "high", *args))
    assert "unknown tier" in one_line_error(
        invoke(env, "config", "set", "urgent", "--range-days", "2")
    )
    assert fingerprint(conn) == before

    changed = invoke(env, "config", "set", "high", "--interval-minutes", "30", "--range-days", "4")

    assert changed.exit_code == 0, changed.output
    assert "every 30 min, re-reads 4 days" in changed.output
    row = conn.execute("select interval_minutes, date_range_days from meta_sync.meta_sync_config"
                       " where tier = 'high'").fetchone()  # fmt: skip
    assert row == (30, 4)

    changed = invoke(env, "config", "set", "low", "--structure-refresh-minutes", "720", "--hourly")
    assert changed.exit_code == 0, changed.output
    assert "structure listed every 720 min; hourly on" in changed.output
    row = conn.execute("select structure_refresh_minutes, hourly_enabled, interval_minutes from"
                       " meta_sync.meta_sync_config where tier = 'low'").fetchone()  # fmt: skip
    assert row == (720, True, 240)  # the rest kept
    assert "720 min" in invoke(env, "config", "show").output
    invoke(env, "config", "set", "low", "--no-hourly")
    assert conn.execute("select hourly_enabled from meta_sync.meta_sync_config"
                        " where tier = 'low'").fetchone() == (False,)  # fmt: skip


async def _enqueue(url: str) -> int:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        return len(await scheduling.enqueue_due_syncs(conn))


def test_schedule_pause_stops_the_schedule_but_not_manual_syncs(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    conn.execute("insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id)"
                 " select 'act_7300004', o.id, c.id from meta_sync.organizations o"
                 " join meta_sync.meta_connections c on c.organization_id = o.id")  # fmt: skip
    paused = invoke(env, "schedule", "pause", "--reason", "Meta incident")
    assert paused.exit_code == 0 and "schedule paused since" in paused.output
    assert "UTC" in paused.output
    status = invoke(env, "status")
    assert "schedule paused since" in status.output and "Meta incident" in status.output

    import asyncio

    assert asyncio.run(_enqueue(env["DATABASE_URL"])) == 0  # what /tick and idle workers call
    idle = invoke(env, "run", "--once", "--max-seconds", "5", "--log-level", "ERROR")
    get_settings.cache_clear()
    assert conn.execute("select count(*) from meta_sync.sync_jobs").fetchone() == (0,), idle.output
    manual = invoke(env, "sync", "act_7300004", "--since", "2026-01-01", "--until", "2026-01-02")
    assert manual.exit_code == 0, manual.output

    assert "schedule resumed" in invoke(env, "schedule", "resume").output
    assert "not paused" in invoke(env, "schedule", "resume").output
    assert asyncio.run(_enqueue(env["DATABASE_URL"])) == 1  # phase 1 of act_7300004


def test_help_lists_commands_in_the_order_of_a_users_day() -> None:
    result = invoke({"COLUMNS": "120"}, "--help")
    positions = [result.output.find(f"│ {name} ") for name in COMMAND_ORDER]
    assert all(p >= 0 for p in positions), result.output
    assert positions == sorted(positions), result.output


def _options(command: object, path: str) -> list[tuple[str, object]]:
    found = [(path, p) for p in getattr(command, "params", [])]
    for name, sub in getattr(command, "commands", {}).items():
        found += _options(sub, f"{path} {name}")
    return found


def test_every_option_has_help_text() -> None:
    missing = [
        f"{path} {param.name}"  # type: ignore[attr-defined]
        for path, param in _options(get_command(app), "metasync")
        if getattr(param, "param_type_name", "") == "option" and not getattr(param, "help", None)
    ]
    assert missing == []


def test_version() -> None:
    result = invoke({}, "--version")
    assert result.exit_code == 0 and result.output.startswith("meta-sync ")
