"""Meta's official Python SDK (``facebook-business``) pointed at an emulator served over HTTP.

The SDK is synchronous (``requests``), so the emulator runs under uvicorn on 127.0.0.1 in a
thread. The SDK is used unmodified: a ``FacebookSession`` whose base URL (``GRAPH``) is the
emulator's, and a ``FacebookAdsApi`` on it. Nothing else about the SDK is changed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from facebook_business.api import FacebookAdsApi
from facebook_business.session import FacebookSession

from meta_emulator import Emulator

VERSION = "v26.0"


def field_names(cls: type) -> list[str]:
    """The SDK's complete field list of an object class (``Campaign.Field``, ...)."""
    field = cls.Field  # type: ignore[attr-defined]
    return sorted(v for k, v in vars(field).items() if not k.startswith("_"))


def exported(obj: Any) -> dict[str, Any]:
    """An SDK object as plain JSON data."""
    return dict(obj.export_all_data())


@dataclass
class Served:
    emu: Emulator
    base_url: str
    api: FacebookAdsApi

    @property
    def account(self) -> str:
        return str(self.emu.account_ids[0])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(emu: Emulator) -> Iterator[Served]:
    """The emulator on a free local port for the block, and an SDK api pointed at it."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(emu.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the emulator did not start")
        time.sleep(0.02)
    try:
        creds = emu.credentials
        session = FacebookSession(creds["app_id"], creds["app_secret"], creds["access_token"])
        session.GRAPH = f"http://127.0.0.1:{port}"
        yield Served(emu, session.GRAPH, FacebookAdsApi(session, api_version=VERSION))
    finally:
        server.should_exit = True
        thread.join(10)
