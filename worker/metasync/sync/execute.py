"""Run one claimed chunk and react to its outcome: one reaction per error class.

=======================  =====================================================================
class                    reaction
=======================  =====================================================================
TransientError, shape    ``fail_sync_chunk`` retryable (after the client's own bounded retries)
ThrottledError           account backs off (``update_meta_sync_status`` 'rate_limited', regain
                         time), chunk released (no retry counted; claim skips the account until
                         then); the governor has the stop in the shared rate-limit state
TokenDeadError (190)     connection marked expired, every later call of it refused locally,
                         chunk released: claim skips non-active connections, so the work resumes
                         by itself when a new token is stored
TooMuchDataError         ``split_sync_chunk`` (a one-day chunk gets the account's campaign ids);
                         not splittable any more -> failed for good
DateRangeTooOldError     range clamped again with a wider margin, tried once more
PermissionDeniedError    failed for good, "permission denied" message, account error recorded
BadRequestError          failed for good
LeaseLostError           nothing: another worker owns the chunk now
=======================  =====================================================================
"""

from __future__ import annotations

import logging
from collections.abc import MutableSet
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from metasync import tokens
from metasync.db.entities import campaign_ids
from metasync.db.errors import LeaseLostError, WrongStateError
from metasync.db.insights import insights_window
from metasync.db.queue import fail_sync_chunk, release_sync_chunks, split_sync_chunk
from metasync.db.scheduling import update_meta_sync_status
from metasync.graph import (
    BadRequestError,
    DateRangeTooOldError,
    GraphError,
    PermissionDeniedError,
    ReportRunFailedError,
    ThrottledError,
    TokenDeadError,
    TooMuchDataError,
)
from metasync.sync.context import ChunkContext
from metasync.sync.insights import plan_range, run_insights_chunk
from metasync.sync.structure import run_structure_chunk

log = logging.getLogger("metasync.sync")
DEFAULT_THROTTLE_SECONDS = 900.0


@dataclass(frozen=True)
class ChunkOutcome:
    """How one attempt at a chunk ended, for the runner's counters and logs."""

    status: str  # completed | retry | failed | split | released | lost
    rows_written: int = 0
    api_calls: int = 0
    error: str | None = None


async def run_chunk(ctx: ChunkContext) -> int:
    if ctx.chunk.chunk_type == "structure":
        return await run_structure_chunk(ctx)
    return await run_insights(ctx)


async def run_insights(ctx: ChunkContext) -> int:
    c = ctx.chunk
    assert c.date_since is not None and c.date_until is not None
    async with ctx.pool.connection() as conn:
        window = await insights_window(conn, c.timezone_name, ctx.clock.db_now())
    plan = plan_range(c.date_since, c.date_until, window, c.campaign_ids)
    try:
        return await run_insights_chunk(ctx, plan)
    except DateRangeTooOldError:
        wider = plan_range(c.date_since, c.date_until, window, c.campaign_ids, margin=4)
        return await run_insights_chunk(ctx, wider)


async def execute_chunk(ctx: ChunkContext, worker: str, dead: MutableSet[UUID]) -> ChunkOutcome:
    """Run the chunk; every outcome is written back to the queue here."""
    try:
        rows = await run_chunk(ctx)
        return ChunkOutcome("completed", rows, ctx.counter.calls)
    except LeaseLostError as exc:
        log.warning("lease lost", extra=_fields(ctx) | {"error": str(exc)})
        return ChunkOutcome("lost", 0, ctx.counter.calls, str(exc))
    except GraphError as exc:
        log.warning("chunk error", extra=_fields(ctx) | exc.log_fields())
        return await react(ctx, exc, worker, dead)
    except Exception as exc:
        log.exception("chunk crashed", extra=_fields(ctx))
        return await _fail(ctx, f"{type(exc).__name__}: {exc}", retryable=True)


async def react(
    ctx: ChunkContext, exc: GraphError, worker: str, dead: MutableSet[UUID]
) -> ChunkOutcome:
    try:
        if isinstance(exc, ThrottledError):
            return await on_throttled(ctx, exc, worker)
        if isinstance(exc, TokenDeadError):
            return await on_token_dead(ctx, exc, worker, dead)
        if isinstance(exc, TooMuchDataError):
            return await on_too_much_data(ctx, exc)
        if isinstance(exc, PermissionDeniedError):
            await _account_error(ctx, f"permission denied by Meta: {exc.message}")
            return await _fail(ctx, f"permission denied by Meta: {exc}", retryable=False)
        if isinstance(exc, BadRequestError):
            return await _fail(ctx, f"bad request: {exc}", retryable=False)
        return await _fail(ctx, str(exc), retryable=True)
    except LeaseLostError as lost:
        return ChunkOutcome("lost", 0, ctx.counter.calls, str(lost))


async def on_throttled(ctx: ChunkContext, exc: ThrottledError, worker: str) -> ChunkOutcome:
    now = ctx.clock.db_now()
    regain_in = timedelta(seconds=exc.retry_after or DEFAULT_THROTTLE_SECONDS)
    async with ctx.pool.connection() as conn, conn.transaction():
        await update_meta_sync_status(
            conn, ctx.account_id, "rate_limited", str(exc), now=now, regain_in=regain_in
        )
        await release_sync_chunks(
            conn, worker, [ctx.chunk.chunk_id], now, api_calls=ctx.counter.calls
        )
    return ChunkOutcome("released", 0, ctx.counter.calls, str(exc))


async def on_token_dead(
    ctx: ChunkContext, exc: TokenDeadError, worker: str, dead: MutableSet[UUID]
) -> ChunkOutcome:
    now, connection = ctx.clock.db_now(), ctx.chunk.connection_id
    if connection is not None:
        dead.add(connection)
    async with ctx.pool.connection() as conn, conn.transaction():
        if connection is not None:
            await tokens.mark_connection_expired(conn, connection, f"token dead: {exc}", now)
        await release_sync_chunks(
            conn, worker, [ctx.chunk.chunk_id], now, api_calls=ctx.counter.calls
        )
    return ChunkOutcome("released", 0, ctx.counter.calls, str(exc))


async def on_too_much_data(ctx: ChunkContext, exc: TooMuchDataError) -> ChunkOutcome:
    c, now = ctx.chunk, ctx.clock.db_now()
    one_day = c.date_since == c.date_until
    ids = None if c.campaign_ids or not one_day else await account_campaign_ids(ctx)
    try:
        async with ctx.pool.connection() as conn, conn.transaction():
            await split_sync_chunk(conn, c, ids, now, api_calls=ctx.counter.calls)
    except LeaseLostError:
        raise
    except WrongStateError as cannot:  # one day, one campaign: a failed run may pass later
        retry = isinstance(exc, ReportRunFailedError)
        return await _fail(ctx, f"too much data and {cannot}", retryable=retry)
    return ChunkOutcome("split", 0, ctx.counter.calls, str(exc))


async def account_campaign_ids(ctx: ChunkContext) -> list[str]:
    async with ctx.pool.connection() as conn:
        return await campaign_ids(conn, ctx.account_id)


async def _account_error(ctx: ChunkContext, message: str) -> None:
    async with ctx.pool.connection() as conn:
        await update_meta_sync_status(
            conn, ctx.account_id, "error", message, now=ctx.clock.db_now()
        )


async def _fail(ctx: ChunkContext, error: str, *, retryable: bool) -> ChunkOutcome:
    async with ctx.pool.connection() as conn:
        await fail_sync_chunk(
            conn,
            ctx.chunk,
            error,
            retryable=retryable,
            now=ctx.clock.db_now(),
            api_calls=ctx.counter.calls,
        )
    return ChunkOutcome("retry" if retryable else "failed", 0, ctx.counter.calls, error)


def _fields(ctx: ChunkContext) -> dict[str, Any]:
    c = ctx.chunk
    return {"chunk_id": c.chunk_id, "job_id": c.job_id, "account_id": c.account_id,
            "chunk_type": c.chunk_type, "api_calls": ctx.counter.calls}  # fmt: skip
