"""What every route shares: the settings, the database, the background webhook pass."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from metasync.clock import SYSTEM_CLOCK
from metasync.server.database import Database
from metasync.server.processing import PassResult, process_pending_webhook_events
from metasync.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class ServerContext:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = SYSTEM_CLOCK.now
    _pass_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def process_pending(self) -> PassResult | None:
        """One webhook processing pass; errors are logged, never raised (it runs after a reply)."""
        async with self._pass_lock:  # one pass per process at a time; others use SKIP LOCKED
            try:
                async with self.db.connection() as conn:
                    result = await process_pending_webhook_events(conn, now=self.clock())
            except Exception:
                log.exception("webhook processing pass failed")
                return None
        if result.total:
            log.info(
                "webhook events processed",
                extra={"processed": result.processed, "ignored": result.ignored,
                       "failed": result.failed},
            )  # fmt: skip
        return result
