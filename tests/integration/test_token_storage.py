"""Token storage against a real migrated database: ciphertext only, rotation, pg_dump, logs."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
import pytest

from metasync.crypto import TokenCipher, TokenDecryptError, UnknownKeyError, generate_key
from metasync.db.errors import NotFoundError
from metasync.logging import configure_logging
from metasync.redaction import clear_registered_secrets
from metasync.tokens import (
    TokenRotationError,
    load_token,
    mark_connection_expired,
    replace_token,
    rotate_keys,
    store_connection,
)

PG_DUMP = "/usr/lib/postgresql/15/bin/pg_dump"
TOKEN = "EAAStoredTokenForTheDumpTest0123456789abcdefABCDEF"
AConn = psycopg.AsyncConnection[Any]


async def new_org(aconn: AConn, name: str = "acme") -> UUID:
    cur = await aconn.execute(
        "insert into meta_sync.organizations (name) values (%s) returning id", (name,)
    )
    row = await cur.fetchone()
    assert row is not None
    return UUID(str(row[0]))


async def stored(aconn: AConn, connection_id: UUID) -> tuple[bytes, str]:
    cur = await aconn.execute(
        "select token_ciphertext, token_key_id from meta_sync.meta_connections where id = %s",
        (connection_id,),
    )
    row = await cur.fetchone()
    assert row is not None
    return bytes(row[0]), row[1]


async def test_store_and_load(aconn: AConn) -> None:
    cipher = TokenCipher({"k1": generate_key()})
    org = await new_org(aconn)
    cid = await store_connection(aconn, cipher, org, TOKEN, "system_user", None, ["ads_read"])
    blob, key_id = await stored(aconn, cid)
    assert key_id == "k1"
    assert TOKEN.encode() not in blob
    assert await load_token(aconn, cipher, cid) == TOKEN
    with pytest.raises(NotFoundError):
        await load_token(aconn, cipher, UUID(int=0))


async def test_ciphertext_swapped_between_rows_fails(aconn: AConn) -> None:
    cipher = TokenCipher({"k1": generate_key()})
    org = await new_org(aconn)
    first = await store_connection(aconn, cipher, org, TOKEN, label="a")
    second = await store_connection(aconn, cipher, org, "EAAOtherToken987654321", label="b")
    await aconn.execute(
        "update meta_sync.meta_connections set token_ciphertext ="
        " (select token_ciphertext from meta_sync.meta_connections where id = %s) where id = %s",
        (first, second),
    )
    with pytest.raises(TokenDecryptError):
        await load_token(aconn, cipher, second)


async def test_replace_and_mark_expired(aconn: AConn) -> None:
    cipher = TokenCipher({"k1": generate_key()})
    org = await new_org(aconn)
    cid = await store_connection(aconn, cipher, org, TOKEN)
    now = datetime(2026, 1, 2, tzinfo=UTC)
    await mark_connection_expired(aconn, cid, f"Graph 190 for access_token={TOKEN}", now)
    cur = await aconn.execute(
        "select status, last_error, updated_at from meta_sync.meta_connections where id = %s",
        (cid,),
    )
    status, error, updated = await cur.fetchone() or (None, None, None)
    assert (status, updated) == ("expired", now)
    assert TOKEN not in error and "access_token=[REDACTED]" in error
    await replace_token(aconn, cipher, cid, "EAANewToken1234567890", scopes=["ads_management"])
    cur = await aconn.execute(
        "select status, last_error, scopes from meta_sync.meta_connections where id = %s", (cid,)
    )
    assert await cur.fetchone() == ("active", None, ["ads_management"])
    assert await load_token(aconn, cipher, cid) == "EAANewToken1234567890"


async def test_rotation_reencrypts_everything_and_old_rows_read_meanwhile(aconn: AConn) -> None:
    keys = {"old": generate_key(), "new": generate_key()}
    before = TokenCipher({"old": keys["old"]})
    org = await new_org(aconn)
    tokens = {await store_connection(aconn, before, org, f"EAAtoken{i:04d}xyz", label=f"c{i}"): i
              for i in range(7)}  # fmt: skip
    during = TokenCipher(keys, "new")
    # a worker holding both keys reads old-key rows before rotation
    some = next(iter(tokens))
    assert await load_token(aconn, during, some) == f"EAAtoken{tokens[some]:04d}xyz"
    assert await rotate_keys(aconn, during, "new", batch_size=3) == 7
    for cid, i in tokens.items():
        assert (await stored(aconn, cid))[1] == "new"
        assert (
            await load_token(aconn, TokenCipher({"new": keys["new"]}), cid) == f"EAAtoken{i:04d}xyz"
        )
    assert await rotate_keys(aconn, during, "new") == 0
    with pytest.raises(UnknownKeyError):
        await load_token(aconn, before, some)


async def test_rotation_skips_rows_locked_by_another_transaction(
    database_url: str, aconn: AConn
) -> None:
    keys = {"old": generate_key(), "new": generate_key()}
    org = await new_org(aconn)
    old = TokenCipher({"old": keys["old"]})
    locked = await store_connection(aconn, old, org, "EAAlockedtoken1", label="locked")
    free = await store_connection(aconn, old, org, "EAAfreetoken222", label="free")
    async with await psycopg.AsyncConnection.connect(database_url) as other:
        await other.execute(
            "select 1 from meta_sync.meta_connections where id = %s for update", (locked,)
        )
        assert await rotate_keys(aconn, TokenCipher(keys, "new"), batch_size=1) == 1
        await other.rollback()
    assert (await stored(aconn, free))[1] == "new"
    assert (await stored(aconn, locked))[1] == "old"
    assert await rotate_keys(aconn, TokenCipher(keys, "new")) == 1


async def test_rotation_reports_rows_it_cannot_decrypt(aconn: AConn) -> None:
    org = await new_org(aconn)
    lost = TokenCipher({"lost": generate_key()})
    await store_connection(aconn, lost, org, "EAAunreadable1", label="lost")
    good = TokenCipher({"old": generate_key(), "new": generate_key()}, "old")
    await store_connection(aconn, good, org, "EAAreadable22", label="good")
    with pytest.raises(TokenRotationError) as info:
        await rotate_keys(aconn, good, "new")
    assert info.value.rotated == 1 and len(info.value.failed) == 1
    assert "EAAunreadable1" not in str(info.value)


async def test_token_absent_from_pg_dump_and_logs(database_url: str, aconn: AConn) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers)
    configure_logging("DEBUG", stream=stream)
    try:
        cipher = TokenCipher({"k1": generate_key()})
        org = await new_org(aconn)
        cid = await store_connection(aconn, cipher, org, TOKEN)
        token = await load_token(aconn, cipher, cid)
        logging.getLogger("metasync.test").info("loaded %s for %s", token, cid)
        logging.getLogger("metasync.test").warning("calling /me?access_token=%s", token)
    finally:
        root.handlers[:] = saved
        clear_registered_secrets()
    proc = await asyncio.create_subprocess_exec(
        PG_DUMP, "--dbname", database_url, stdout=asyncio.subprocess.PIPE
    )
    dump, _ = await proc.communicate()
    assert proc.returncode == 0
    assert b"meta_connections" in dump and str(cid).encode() in dump
    assert TOKEN.encode() not in dump
    assert str(cid) in stream.getvalue()
    assert TOKEN not in stream.getvalue()


def test_keys_cli_generate_then_rotate(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from metasync.cli import app
    from metasync.crypto import parse_keyring
    from metasync.settings import get_settings

    runner = CliRunner()
    old_line = runner.invoke(app, ["keys", "generate", "--kid", "old"]).stdout.strip()
    new_line = runner.invoke(app, ["keys", "generate", "--kid", "new"]).stdout.strip()
    keys = parse_keyring(f"{old_line},{new_line}")
    assert set(keys) == {"old", "new"}

    async def seed() -> UUID:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as c:
            return await store_connection(c, TokenCipher(keys, "old"), await new_org(c), TOKEN)

    cid = asyncio.run(seed())
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("METASYNC_TOKEN_KEYS", f"{old_line},{new_line}")
    monkeypatch.setenv("METASYNC_TOKEN_KEY_ID", "new")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["keys", "rotate", "--to", "new"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 token(s); 0 left" in result.output
    assert TOKEN not in result.output

    async def check() -> str:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as c:
            assert (await stored(c, cid))[1] == "new"
            return await load_token(c, TokenCipher({"new": keys["new"]}), cid)

    assert asyncio.run(check()) == TOKEN


async def test_loaded_token_is_registered_for_redaction(aconn: AConn) -> None:
    plain = "plainTokenValue42"  # matches no token pattern: only registration hides it
    stream = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers)
    configure_logging("INFO", stream=stream)
    try:
        cipher = TokenCipher({"k1": generate_key()})
        org = await new_org(aconn)
        async with await psycopg.AsyncConnection.connect(aconn.info.dsn) as other:
            cid = await store_connection(other, cipher, org, plain)
            await other.commit()
        clear_registered_secrets()  # a fresh process: only load_token can register it
        logging.getLogger("t").info("before %s", plain)
        await load_token(aconn, cipher, cid)
        logging.getLogger("t").info("after %s", plain)
    finally:
        root.handlers[:] = saved
        clear_registered_secrets()
    before, after = stream.getvalue().splitlines()
    assert plain in before
    assert plain not in after and "[REDACTED]" in after
