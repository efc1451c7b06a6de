"""Helpers for the emulator's conformance suite: a fixed clock, a thin Graph client."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from meta_emulator import Emulator, EmulatorConfig
from meta_emulator.auth import proof

NOW = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
BASE = "http://emu.test:8787"


class Graph:
    """A thin client that adds the token and appsecret_proof to every call."""

    def __init__(self, emu: Emulator, client: httpx.AsyncClient, version: str = "v25.0") -> None:
        self.emu = emu
        self.client = client
        self.version = version
        creds = emu.credentials
        self.token = creds["access_token"]
        self.auth = {
            "access_token": self.token,
            "appsecret_proof": proof(creds["app_secret"], self.token),
        }
        self.account = creds["account_ids"][0]

    async def get(self, path: str, **params: Any) -> httpx.Response:
        url = path if path.startswith("http") else f"/{self.version}/{path.lstrip('/')}"
        query = {**self.auth, **{k: str(v) for k, v in params.items()}}
        return await self.client.get(url, params=query if not path.startswith("http") else None)

    async def post(self, path: str, **data: Any) -> httpx.Response:
        form = {**self.auth, **{k: str(v) for k, v in data.items()}}
        return await self.client.post(
            f"/{self.version}/{path.lstrip('/')}" if path else "/", data=form
        )

    async def pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of a paged answer, following `next` until it is absent."""
        pages = [(await self.get(path, **params)).json()]
        while "next" in pages[-1]["paging"]:
            pages.append((await self.client.get(pages[-1]["paging"]["next"])).json())
            assert len(pages) < 10_000
        return pages


def make(world: str = "small", seed: int = 1, **config: Any) -> Emulator:
    return Emulator(world, seed, EmulatorConfig(**config), NOW)
