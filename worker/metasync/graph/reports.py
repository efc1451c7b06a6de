"""Async insights report runs: create, poll many at once through batch, page the results.

Polling waits as long as the runs say they need: once a run reports a completion percentage,
the next poll comes when that pace says it ends (at most the policy's maximum, at least half the
current interval, which grows with every poll),
so a run costs about two polls instead of one per growing interval. :func:`run_report` polls a
new run first after one interval, not at once: right after creation a run reports 0-1 %, a pace
that says nothing (one percent after 0.15 s reads as 15 s to go for a 10 s run), while after an
interval the percentage is worth reading and the second poll usually finds the run done.
``Job Failed`` / ``Job Skipped`` become :class:`ReportRunFailedError` (a ``TooMuchDataError``:
the caller splits the chunk). The ``100/33`` error a poll may get right after creation is a race
and is polled again within ``race_grace_seconds``. Time is injected (``clock``/``sleep``) so
tests never sleep for real.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from metasync.clock import SYSTEM_CLOCK
from metasync.graph.batch import BatchItem, BatchRequest, execute_batch
from metasync.graph.client import GraphClient
from metasync.graph.errors import (
    REPORT_RUN_RACE,
    GraphError,
    ReportRunFailedError,
    ReportRunTimeoutError,
    UnexpectedResponseError,
)

log = logging.getLogger("metasync.graph.reports")

STATUS_FIELDS = "async_status,async_percent_completion,error_code,error_message"
COMPLETED = "Job Completed"
FAILED = frozenset({"Job Failed", "Job Skipped"})


@dataclass(frozen=True)
class ReportRun:
    id: str
    status: str
    percent: int = 0
    error_code: int | None = None
    error_message: str | None = None

    @property
    def completed(self) -> bool:
        return self.status == COMPLETED and self.percent >= 100

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    @classmethod
    def from_json(cls, run_id: str, body: Any) -> ReportRun:
        if not isinstance(body, dict) or not isinstance(body.get("async_status"), str):
            raise UnexpectedResponseError(f"report run {run_id}: no async_status")
        code = body.get("error_code")
        return cls(
            id=str(body.get("id") or run_id),
            status=body["async_status"],
            percent=int(body.get("async_percent_completion") or 0),
            error_code=int(code) if isinstance(code, int | str) and str(code).isdigit() else None,
            error_message=body.get("error_message"),
        )

    def failure(self) -> ReportRunFailedError:
        detail = f": {self.error_message}" if self.error_message else ""
        return ReportRunFailedError(
            f"report run {self.id} ended {self.status}{detail}", code=self.error_code
        )


@dataclass(frozen=True)
class PollPolicy:
    interval_seconds: float = 5.0
    max_interval_seconds: float = 30.0
    growth: float = 1.5
    timeout_seconds: float = 1800.0
    race_grace_seconds: float = 60.0


async def start_report_run(
    client: GraphClient,
    account_id: str,
    params: Mapping[str, Any],
    *,
    access_token: str | None = None,
) -> str:
    """``POST /act_X/insights`` -> the ``report_run_id``."""
    answer = await client.post(f"{account_id}/insights", params, access_token=access_token)
    run_id = answer.get("report_run_id") if isinstance(answer, dict) else None
    if not isinstance(run_id, str | int):
        raise UnexpectedResponseError(f"{account_id}/insights: no report_run_id in the answer")
    return str(run_id)


def _is_race(err: GraphError) -> bool:
    return (err.code, err.subcode) == REPORT_RUN_RACE


async def poll_report_runs(
    client: GraphClient,
    run_ids: Iterable[str],
    *,
    access_token: str | None = None,
    policy: PollPolicy | None = None,
    clock: Callable[[], float] = SYSTEM_CLOCK.monotonic,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    account_id: str | None = None,
    created_at: float | None = None,
) -> dict[str, ReportRun | GraphError]:
    """Poll every run (one batch per 50) until each is completed, failed or timed out. Paces
    and the timeout count from ``created_at`` (``clock`` time the runs were started; default:
    now)."""
    policy = policy or PollPolicy()
    sleep = sleep or client.sleep
    pending, done = list(dict.fromkeys(run_ids)), dict[str, ReportRun | GraphError]()
    started, interval = clock() if created_at is None else created_at, policy.interval_seconds
    percent: dict[str, int] = {}
    while pending:
        requests = [
            BatchRequest(client.relative_url(r, {"fields": STATUS_FIELDS}), account_id=account_id)
            for r in pending
        ]
        results = await execute_batch(client, requests, access_token=access_token)
        elapsed = clock() - started
        for run_id, result in zip(pending, results, strict=True):
            outcome = _outcome(run_id, result, elapsed, policy)
            if outcome is not None:
                done[run_id] = outcome
            elif isinstance(result, BatchItem) and isinstance(result.body, dict):
                percent[run_id] = int(result.body.get("async_percent_completion") or 0)
        pending = [r for r in pending if r not in done]
        paced = _paced_wait(elapsed, [percent.get(r, 0) for r in pending], policy)
        # A paced wait may be shorter than the interval (a 3 s run polled at 2 s needs 1 s more),
        # but not shorter than half of it: a run stuck at 99 % is polled ever more rarely.
        wait = max(paced, interval / 2) if paced is not None else interval
        if pending and clock() - started + wait > policy.timeout_seconds:
            done |= {r: ReportRunTimeoutError(f"report run {r} did not finish") for r in pending}
            break
        if pending:
            await sleep(wait)
            interval = min(interval * policy.growth, policy.max_interval_seconds)
    return done


def _paced_wait(elapsed: float, percents: list[int], policy: PollPolicy) -> float | None:
    """Seconds until the first pending run should end at the pace it reported (its percentage
    after ``elapsed`` seconds), at most the policy's maximum; ``None`` when no run reported one."""
    remaining = [elapsed * (100 - p) / p for p in percents if 0 < p < 100]
    if not remaining or elapsed <= 0:
        return None
    return min(min(remaining), policy.max_interval_seconds)


def _outcome(
    run_id: str, result: BatchItem | GraphError, elapsed: float, policy: PollPolicy
) -> ReportRun | GraphError | None:
    """The final answer for this run, or ``None`` while it is still running."""
    if isinstance(result, GraphError):
        if _is_race(result) and elapsed < policy.race_grace_seconds:
            return None
        return result
    try:
        run = ReportRun.from_json(run_id, result.body)
    except UnexpectedResponseError as exc:
        return exc
    if run.failed:
        log.warning("report run failed", extra={"report_run_id": run_id, "status": run.status})
        return run.failure()
    return run if run.completed else None


async def iter_report_pages(
    client: GraphClient,
    run_id: str,
    *,
    access_token: str | None = None,
    account_id: str | None = None,
    limit: int = 500,
) -> AsyncIterator[list[dict[str, Any]]]:
    """The rows of a completed run, page by page (``GET /<run>/insights``)."""
    pages = client.iter_pages(
        f"{run_id}/insights", {"limit": limit}, access_token=access_token, account_id=account_id
    )
    async for page in pages:
        yield page


async def run_report(
    client: GraphClient,
    account_id: str,
    params: Mapping[str, Any],
    *,
    access_token: str | None = None,
    policy: PollPolicy | None = None,
    clock: Callable[[], float] = SYSTEM_CLOCK.monotonic,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> list[dict[str, Any]]:
    """Start one run, wait for it (the first poll one interval after the start) and return
    every row; raises the run's error."""
    policy = policy or PollPolicy()
    run_id = await start_report_run(client, account_id, params, access_token=access_token)
    created_at = clock()
    await (sleep or client.sleep)(policy.interval_seconds)
    outcome = (
        await poll_report_runs(
            client,
            [run_id],
            access_token=access_token,
            policy=policy,
            clock=clock,
            sleep=sleep,
            account_id=account_id,
            created_at=created_at,
        )
    )[run_id]
    if isinstance(outcome, GraphError):
        raise outcome
    rows: list[dict[str, Any]] = []
    pages = iter_report_pages(client, run_id, access_token=access_token, account_id=account_id)
    async for page in pages:
        rows.extend(page)
    return rows
