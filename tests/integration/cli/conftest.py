"""CLI tests: typer's CliRunner against a fresh test database and the emulator over HTTP.

The emulator (``small`` world, frozen clock, no latency) is served by uvicorn on 127.0.0.1 in a
thread, so the commands run exactly as users run them: settings from the environment
(``DATABASE_URL``, ``METASYNC_GRAPH_BASE_URL``, app credentials, token keyring).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from meta_emulator import Emulator
from meta_emulator.serving import EmulatorServer
from metasync.crypto import TokenCipher, format_key_entry, generate_key
from metasync.settings import get_settings

CLOCK = datetime.now(UTC).replace(microsecond=0)  # the worker plans from the real today


@pytest.fixture(scope="session")
def emulator() -> Iterator[tuple[Emulator, str]]:
    emu = Emulator("small", seed=3, clock=CLOCK)
    with EmulatorServer(emu) as server:
        yield emu, server.url


@pytest.fixture
def token_key() -> tuple[str, bytes]:
    return "test-key", generate_key()


@pytest.fixture
def cipher(token_key: tuple[str, bytes]) -> TokenCipher:
    return TokenCipher({token_key[0]: token_key[1]})


@pytest.fixture
def cli_env(
    database_url: str, emulator: tuple[Emulator, str], token_key: tuple[str, bytes]
) -> Iterator[dict[str, str]]:
    emu, url = emulator
    creds = emu.credentials
    env = {
        "DATABASE_URL": database_url,
        "METASYNC_GRAPH_BASE_URL": url,
        "METASYNC_META_APP_ID": creds["app_id"],
        "METASYNC_META_APP_SECRET": creds["app_secret"],
        "METASYNC_TOKEN_KEYS": format_key_entry(*token_key),
    }
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()
