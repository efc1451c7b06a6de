"""``metasync run --once``: a bounded pass onboards a connected account completely and exactly."""

from __future__ import annotations

import asyncio

import psycopg
from typer.testing import CliRunner

from meta_emulator import Emulator
from metasync.cli import app
from metasync.verify import compare_with_truth

runner = CliRunner()


async def _compare(url: str, emu: Emulator, account: str) -> list[str]:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        result = await compare_with_truth(conn, emu, [account])
    assert result.rows_compared > 0
    return result.differences


def test_run_once_onboards_both_phases_equal_to_ground_truth(
    cli_env: dict[str, str], emulator: tuple[Emulator, str], conn: psycopg.Connection
) -> None:
    emu, _ = emulator
    account = emu.account_ids[0]
    token = emu.credentials["access_token"] + "\n"
    connected = runner.invoke(
        app, ["connect", "--org", "Acme", "--token", "-", "--account", account],
        input=token, env=cli_env,
    )  # fmt: skip
    assert connected.exit_code == 0, connected.output

    result = runner.invoke(
        app, ["run", "--once", "--max-seconds", "120", "--log-level", "ERROR"], env=cli_env
    )

    assert result.exit_code == 0, result.output
    assert "pass done" in result.output
    jobs = conn.execute(
        "select sync_phase::text, status::text from meta_sync.sync_jobs order by id"
    ).fetchall()
    assert ("recent_window", "completed") in jobs
    assert all(status == "completed" for _, status in jobs), jobs
    onboarded = conn.execute(
        "select phase_1_completed_at is not null and phase_2_completed_at is not null"
        " from meta_sync.meta_ad_accounts where id = %s",
        (account,),
    ).fetchone()
    assert onboarded == (True,)
    assert asyncio.run(_compare(cli_env["DATABASE_URL"], emu, account)) == []
