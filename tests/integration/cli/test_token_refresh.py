"""Token refresh: a user token close to expiry is re-exchanged; a refused one marks the
connection expired (a later ``connect`` resumes it)."""

from __future__ import annotations

import asyncio
from uuid import UUID

import httpx
import psycopg
from typer.testing import CliRunner

from meta_emulator import Emulator
from metasync.cli import app
from metasync.connections import AppCredentials, refresh_expiring_tokens
from metasync.crypto import TokenCipher
from metasync.graph import GraphClient
from metasync.tokens import load_token

runner = CliRunner()


def _user_token(emu: Emulator) -> str:
    return next(
        t["access_token"] for t in emu.credentials["tokens"] if t["type"] == "USER" and t["valid"]
    )


async def _refresh(url: str, base: str, emu: Emulator, cipher: TokenCipher) -> list[UUID]:
    creds = emu.credentials
    app_creds = AppCredentials(creds["app_id"], creds["app_secret"])
    async with httpx.AsyncClient() as http:
        graph = GraphClient(
            http, base_url=base, api_version="v25.0", app_secret=creds["app_secret"]
        )
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        async with conn:
            return await refresh_expiring_tokens(conn, graph, cipher, app_creds)


async def _load(url: str, cipher: TokenCipher, connection_id: UUID) -> str:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        return await load_token(conn, cipher, connection_id)


def _connect_user_token(env: dict[str, str], emu: Emulator) -> None:
    result = runner.invoke(
        app, ["connect", "--org", "Acme", "--token", "-", "--account", emu.account_ids[0]],
        input=_user_token(emu) + "\n", env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_expiring_user_token_is_re_exchanged(
    cli_env: dict[str, str],
    emulator: tuple[Emulator, str],
    conn: psycopg.Connection,
    cipher: TokenCipher,
) -> None:
    emu, base = emulator
    _connect_user_token(cli_env, emu)
    row = conn.execute(
        "update meta_sync.meta_connections set expires_at = now() + interval '2 days' returning id"
    ).fetchone()
    assert row is not None
    before = asyncio.run(_load(cli_env["DATABASE_URL"], cipher, row[0]))

    refreshed = asyncio.run(_refresh(cli_env["DATABASE_URL"], base, emu, cipher))

    assert refreshed == [row[0]]
    after = asyncio.run(_load(cli_env["DATABASE_URL"], cipher, row[0]))
    assert after != before
    fresh = conn.execute(
        "select status::text, expires_at > now() + interval '50 days'"
        " from meta_sync.meta_connections"
    ).fetchone()
    assert fresh == ("active", True)


def test_tokens_far_from_expiry_are_left_alone(
    cli_env: dict[str, str],
    emulator: tuple[Emulator, str],
    conn: psycopg.Connection,
    cipher: TokenCipher,
) -> None:
    emu, base = emulator
    _connect_user_token(cli_env, emu)

    assert asyncio.run(_refresh(cli_env["DATABASE_URL"], base, emu, cipher)) == []


def test_refused_token_marks_the_connection_expired(
    cli_env: dict[str, str],
    emulator: tuple[Emulator, str],
    conn: psycopg.Connection,
    cipher: TokenCipher,
) -> None:
    emu, base = emulator
    _connect_user_token(cli_env, emu)
    row = conn.execute(
        "update meta_sync.meta_connections set expires_at = now() + interval '1 day'"
        " returning id, organization_id"
    ).fetchone()
    assert row is not None
    dead = cipher.encrypt("EAAB" + "d" * 60, organization_id=row[1], connection_id=row[0])
    conn.execute(
        "update meta_sync.meta_connections set token_ciphertext = %s, token_key_id = %s",
        (dead.ciphertext, dead.key_id),
    )

    assert asyncio.run(_refresh(cli_env["DATABASE_URL"], base, emu, cipher)) == []

    status = conn.execute("select status::text from meta_sync.meta_connections").fetchone()
    assert status == ("expired",)
