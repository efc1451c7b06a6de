"""Fixtures for the emulator's conformance suite: an in-process emulator at a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from meta_emulator import Emulator
from tests.support.emuhelpers import BASE, Graph, make


@pytest.fixture
def emu() -> Emulator:
    return make()


@pytest.fixture
async def graph(emu: Emulator) -> AsyncIterator[Graph]:
    async with emu.client(base_url=BASE) as client:
        yield Graph(emu, client)


@pytest.fixture
def make_emulator() -> Any:
    return make


@pytest.fixture
async def open_graph() -> AsyncIterator[Any]:
    """A factory: `await open_graph(emu)` -> Graph, closed at teardown."""
    clients: list[httpx.AsyncClient] = []

    async def _open(emu: Emulator, version: str = "v25.0") -> Graph:
        client = emu.client(base_url=BASE)
        clients.append(client)
        return Graph(emu, client, version)

    yield _open
    for client in clients:
        await client.aclose()
