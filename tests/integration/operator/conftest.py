"""Operator CLI tests: the real ``metasync`` commands (typer's CliRunner) against a fresh test
database; every refusal is checked against table checksums taken before and after."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from metasync.settings import get_settings


@pytest.fixture
def env(database_url: str) -> Iterator[dict[str, str]]:
    get_settings.cache_clear()
    yield {"DATABASE_URL": database_url, "COLUMNS": "80"}
    get_settings.cache_clear()


@pytest.fixture
def org_with_connection(conn: psycopg.Connection) -> str:
    """Organisation AgencyOne with an active connection (fake ciphertext); its id."""
    row = conn.execute(
        "insert into meta_sync.organizations (name) values ('AgencyOne') returning id"
    ).fetchone()
    assert row is not None
    conn.execute(
        "insert into meta_sync.meta_connections (organization_id, token_ciphertext, token_key_id)"
        " values (%s, '\\x00', 'k1')",
        (row[0],),
    )
    return str(row[0])
