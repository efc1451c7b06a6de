"""``metasync connect``: only ciphertext stored, phase 1 started; bad tokens store nothing."""

from __future__ import annotations

from uuid import UUID

import psycopg
from typer.testing import CliRunner

from meta_emulator import Emulator
from metasync.cli import app
from metasync.crypto import TokenCipher

runner = CliRunner()


def _connect(env: dict[str, str], token: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["connect", "--org", "Acme", "--token", "-", *args], input=token + "\n", env=env
    )
    return result.exit_code, result.output


def _short_lived_user_token(emu: Emulator) -> str:
    return next(
        t["access_token"] for t in emu.credentials["tokens"] if t["type"] == "USER" and t["valid"]
    )


def test_connect_stores_only_ciphertext_and_starts_phase_1(
    cli_env: dict[str, str],
    emulator: tuple[Emulator, str],
    conn: psycopg.Connection,
    cipher: TokenCipher,
) -> None:
    emu, _ = emulator
    token = emu.credentials["access_token"]
    account = emu.account_ids[0]

    code, output = _connect(cli_env, token, "--account", account, "--tier", "high")

    assert code == 0, output
    assert token not in output
    rows = conn.execute(
        "select id, organization_id, token_ciphertext, token_key_id, token_type, status"
        " from meta_sync.meta_connections"
    ).fetchall()
    assert len(rows) == 1
    connection_id, org_id, ciphertext, key_id, token_type, status = rows[0]
    assert token.encode() not in bytes(ciphertext)
    assert (token_type, status) == ("system_user", "active")
    plain = cipher.decrypt(
        bytes(ciphertext), key_id, organization_id=org_id, connection_id=connection_id
    )
    assert plain == token
    acc = conn.execute(
        "select name, currency, timezone_name, meta_sync_priority::text, connection_id"
        " from meta_sync.meta_ad_accounts where id = %s",
        (account,),
    ).fetchone()
    truth = emu.runtime.account(account).account
    assert acc == (truth.name, truth.currency, truth.timezone, "high", connection_id)
    jobs = conn.execute(
        "select sync_phase::text, status::text from meta_sync.sync_jobs where account_id = %s",
        (account,),
    ).fetchall()
    assert jobs == [("recent_window", "pending")]


def test_short_lived_user_token_is_exchanged_for_a_long_lived_one(
    cli_env: dict[str, str],
    emulator: tuple[Emulator, str],
    conn: psycopg.Connection,
    cipher: TokenCipher,
) -> None:
    emu, _ = emulator
    short = _short_lived_user_token(emu)

    code, output = _connect(cli_env, short, "--account", emu.account_ids[0])

    assert code == 0, output
    assert "long-lived" in output
    row = conn.execute(
        "select id, organization_id, token_ciphertext, token_key_id,"
        " expires_at - now() > interval '50 days' from meta_sync.meta_connections"
    ).fetchone()
    assert row is not None
    stored = cipher.decrypt(bytes(row[2]), row[3], organization_id=row[1], connection_id=row[0])
    assert stored != short and stored.startswith("EAA")
    assert row[4] is True


def test_bad_token_is_a_clear_error_and_stores_nothing(
    cli_env: dict[str, str], emulator: tuple[Emulator, str], conn: psycopg.Connection
) -> None:
    emu, _ = emulator
    bad = "EAAB" + "x" * 60

    code, output = _connect(cli_env, bad, "--account", emu.account_ids[0])

    assert code == 1
    assert "connect failed" in output
    assert bad not in output
    for table in ("organizations", "meta_connections", "meta_ad_accounts", "sync_jobs"):
        count = conn.execute(f"select count(*) from meta_sync.{table}").fetchone()
        assert count == (0,), table


def test_unknown_account_stores_nothing(
    cli_env: dict[str, str], emulator: tuple[Emulator, str], conn: psycopg.Connection
) -> None:
    emu, _ = emulator
    code, output = _connect(cli_env, emu.credentials["access_token"], "--account", "act_999")

    assert code == 1
    assert "act_999" in output
    assert conn.execute("select count(*) from meta_sync.meta_connections").fetchone() == (0,)


def test_new_token_resumes_an_expired_connection(
    cli_env: dict[str, str], emulator: tuple[Emulator, str], conn: psycopg.Connection
) -> None:
    emu, _ = emulator
    token = emu.credentials["access_token"]
    assert _connect(cli_env, token, "--account", emu.account_ids[0])[0] == 0
    conn.execute("update meta_sync.meta_connections set status = 'expired', last_error = 'x'")

    code, output = _connect(cli_env, token, "--account", emu.account_ids[0])

    assert code == 0, output
    assert "resumed" in output
    rows = conn.execute("select status::text, last_error from meta_sync.meta_connections")
    assert rows.fetchall() == [("active", None)]
    assert isinstance(UUID(output.split("connection ")[1].split()[0]), UUID)


def test_malformed_account_id_is_refused_before_any_call(
    cli_env: dict[str, str], emulator: tuple[Emulator, str], conn: psycopg.Connection
) -> None:
    emu, _ = emulator
    calls_before = emu.stats["calls"]

    code, output = _connect(cli_env, emu.credentials["access_token"], "--account", "12ab")

    assert code == 1
    assert "'12ab' is not an ad account id" in output
    assert emu.stats["calls"] == calls_before
    assert conn.execute("select count(*) from meta_sync.organizations").fetchone() == (0,)


def _fingerprint(conn: psycopg.Connection) -> list[tuple[str, str]]:
    tables = ("organizations", "meta_connections", "meta_ad_accounts", "sync_jobs",
              "sync_job_chunks")  # fmt: skip
    return [
        (t, str(conn.execute(
            f"select md5(coalesce(string_agg(x::text, '|' order by x::text), ''))"
            f" from meta_sync.{t} x"
        ).fetchone()))
        for t in tables
    ]  # fmt: skip


def test_connect_refuses_an_account_of_another_organisation_and_stores_nothing(
    cli_env: dict[str, str], emulator: tuple[Emulator, str], conn: psycopg.Connection
) -> None:
    emu, _ = emulator
    token, account = emu.credentials["access_token"], emu.account_ids[0]
    first, output = _connect(cli_env, token, "--account", account)
    assert first == 0, output
    assert "phase 1 enqueued (job" in output
    before = _fingerprint(conn)

    result = runner.invoke(
        app, ["connect", "--org", "AgencyTwo", "--token", "-", "--account", account],
        input=token + "\n", env=cli_env,
    )  # fmt: skip

    assert result.exit_code == 2, result.output
    assert f"{account} belongs to organisation Acme" in result.output
    assert "nothing was stored" in result.output
    assert _fingerprint(conn) == before  # no AgencyTwo, no second connection, no new job


def test_connect_again_in_another_case_says_phase_1_is_already_queued(
    cli_env: dict[str, str], emulator: tuple[Emulator, str], conn: psycopg.Connection
) -> None:
    emu, _ = emulator
    token, account = emu.credentials["access_token"], emu.account_ids[0]
    assert _connect(cli_env, token, "--account", account)[0] == 0

    result = runner.invoke(
        app, ["connect", "--org", "ACME", "--token", "-", "--account", account],
        input=token + "\n", env=cli_env,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "phase 1 already queued" in result.output
    assert "phase 1 enqueued" not in result.output
    assert conn.execute("select count(*) from meta_sync.organizations").fetchone() == (1,)
    assert conn.execute("select count(*) from meta_sync.sync_jobs").fetchone() == (1,)
