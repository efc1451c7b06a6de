"""Serving the emulator on 127.0.0.1: in a thread of this process, or as a subprocess.

``EmulatorServer`` runs an :class:`~meta_emulator.Emulator` (its ASGI app) under uvicorn in a
daemon thread, for callers that want the object itself (its clock, its truth) at hand.
``EmulatorProcess`` runs ``python -m meta_emulator`` in a subprocess (realistic latency, a
frozen clock so the truth stays still) and reaches it through the control API; it offers the
same truth methods (``truth_entities``, ``truth_insights``) as the in-process emulator.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn

if TYPE_CHECKING:
    from meta_emulator.app import Emulator


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmulatorServer:
    """uvicorn serving the emulator on 127.0.0.1 in a daemon thread (a context manager)."""

    def __init__(self, emu: Emulator) -> None:
        self.port = free_port()
        config = uvicorn.Config(emu.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", access_log=False)  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="emulator", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> EmulatorServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the emulator server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class EmulatorProcess:
    """``meta-emulator`` in a subprocess; the control API for truth, stats and faults."""

    def __init__(self, world: str, *, seed: int = 1, latency_ms: float = 100.0,
                 jitter_ms: float = 100.0, report_run_s: float = 3.0,
                 clock: datetime | None = None, log_dir: Path) -> None:  # fmt: skip
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        moment = clock or datetime.now(UTC).replace(microsecond=0)
        argv = [sys.executable, "-m", "meta_emulator", "--port", str(self.port), "--world", world,
                "--seed", str(seed), "--latency-ms", str(latency_ms), "--jitter-ms",
                str(jitter_ms), "--report-run-s", str(report_run_s), "--clock",
                moment.isoformat()]  # fmt: skip
        self.log = (log_dir / "emulator.log").open("ab")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log, cwd=log_dir)
        self.control = httpx.Client(base_url=f"{self.url}/__emulator", timeout=120)
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the emulator exited with {self.proc.returncode}")
            try:
                if self.control.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the emulator did not become healthy within 60 s")

    def credentials(self) -> dict[str, Any]:
        return dict(self.control.get("/credentials").json())

    def stats(self) -> dict[str, Any]:
        return dict(self.control.get("/stats").json())

    def set_faults(self, **rates: float) -> None:
        self.control.put("/faults", json=rates).raise_for_status()

    def truth_entities(self, account_id: str) -> dict[str, list[dict[str, Any]]]:
        answer = self.control.get("/truth/entities", params={"account_id": account_id})
        return dict(answer.json())

    def truth_insights(self, account_id: str, since: date, until: date) -> list[dict[str, Any]]:
        params = {"account_id": account_id, "since": since.isoformat(), "until": until.isoformat()}
        return list(self.control.get("/truth/insights", params=params).json()["data"])

    def stop(self) -> None:
        self.control.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
