"""Async report runs: creation, batched polling, the 100/33 race, failures, result pages."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from metasync.graph import (
    BadRequestError,
    PollPolicy,
    ReportRun,
    ReportRunFailedError,
    ReportRunTimeoutError,
    TooMuchDataError,
    poll_report_runs,
    run_report,
    start_report_run,
)
from tests.support.graph_fakes import batch_items, error, make_client, reply

POLICY = PollPolicy(interval_seconds=2, max_interval_seconds=10, timeout_seconds=600)


def item(status: int, body: Any) -> dict[str, Any]:
    return {"code": status, "headers": [], "body": json.dumps(body)}


def run_status(status: str, pct: int, **extra: Any) -> dict[str, Any]:
    return {"async_status": status, "async_percent_completion": pct} | extra


class Runs:
    """A fake Meta whose runs move through scripted states, one per poll."""

    def __init__(self, scripts: dict[str, list[dict[str, Any]]]) -> None:
        self.scripts = scripts
        self.polls: list[list[str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/insights") and request.method == "POST":
            return reply(body={"report_run_id": "r1"})
        if request.url.path.endswith("/r1/insights"):
            if request.url.params.get("after"):
                return reply(body={"data": [{"ad_id": "2"}]})
            return reply(
                body={
                    "data": [{"ad_id": "1"}],
                    "paging": {"next": "https://x/v25.0/r1/insights?after=c"},
                }
            )
        items = batch_items(request)
        ids = [i["relative_url"].split("/")[1].split("?")[0] for i in items]
        self.polls.append(ids)
        return reply(body=[self._next(run_id) for run_id in ids])

    def _next(self, run_id: str) -> dict[str, Any]:
        script = self.scripts[run_id]
        state = script.pop(0) if len(script) > 1 else script[0]
        return state


async def test_start_returns_the_report_run_id() -> None:
    client, server, _ = make_client(Runs({}))
    assert await start_report_run(client, "act_1", {"level": "ad"}) == "r1"
    assert server.requests[0].url.path == "/v25.0/act_1/insights"


async def test_lifecycle_with_the_creation_race_then_completion() -> None:
    fake = Runs(
        {
            "r1": [
                item(400, error(100, 33)),
                item(200, run_status("Job Not Started", 0)),
                item(200, run_status("Job Running", 40)),
                item(200, run_status("Job Completed", 100)),
            ]
        }
    )
    client, _, clock = make_client(fake)
    done = await poll_report_runs(client, ["r1"], policy=POLICY, clock=clock.monotonic)
    assert isinstance(done["r1"], ReportRun) and done["r1"].completed
    assert len(fake.polls) == 4
    # 2 and 3 s while the run says nothing of its pace; at 40 % after 5 s it needs 7.5 s more
    assert clock.sleeps == [2, 3, 7.5]


async def test_the_next_poll_comes_when_the_reported_pace_says_the_run_ends() -> None:
    fake = Runs(
        {
            "r1": [
                item(200, run_status("Job Running", 20)),
                item(200, run_status("Job Completed", 100)),
            ]
        }
    )
    client, _, clock = make_client(fake)
    policy = PollPolicy(interval_seconds=2, max_interval_seconds=30)
    await clock.sleep(2)  # the first poll comes 2 s after creation, at 20 %
    done = await poll_report_runs(client, ["r1"], policy=policy, clock=clock.monotonic)
    assert isinstance(done["r1"], ReportRun) and done["r1"].completed
    assert len(fake.polls) == 2


async def test_the_paced_wait_stays_within_the_policy() -> None:
    fake = Runs(
        {
            "r1": [
                item(200, run_status("Job Running", 1)),
                item(200, run_status("Job Running", 1)),
                item(200, run_status("Job Running", 99)),
                item(200, run_status("Job Completed", 100)),
            ]
        }
    )
    client, _, clock = make_client(fake)
    await poll_report_runs(client, ["r1"], policy=POLICY, clock=clock.monotonic)
    # at 0 s no pace yet (interval); 1 % after 2 s: 198 s, capped at the maximum (10);
    # 99 % after 12 s: 0.12 s, raised to half the interval, grown to 4.5 by then (2.25)
    assert clock.sleeps == [2, 10, 2.25]


async def test_many_runs_are_polled_in_one_batch_each_round() -> None:
    fake = Runs(
        {
            "a": [
                item(200, run_status("Job Running", 10)),
                item(200, run_status("Job Completed", 100)),
            ],
            "b": [item(200, run_status("Job Completed", 100))],
        }
    )
    client, server, clock = make_client(fake)
    done = await poll_report_runs(client, ["a", "b"], policy=POLICY, clock=clock.monotonic)
    assert set(done) == {"a", "b"}
    assert fake.polls == [["a", "b"], ["a"]]
    assert len(server.requests) == 2


@pytest.mark.parametrize("status", ["Job Failed", "Job Skipped"])
async def test_failed_run_is_a_split_signal(status: str) -> None:
    body = run_status(status, 0, error_code=2601, error_message="Report too large")
    client, _, clock = make_client(Runs({"r1": [item(200, body)]}))
    err = (await poll_report_runs(client, ["r1"], policy=POLICY, clock=clock.monotonic))["r1"]
    assert isinstance(err, ReportRunFailedError) and isinstance(err, TooMuchDataError)
    assert err.code == 2601 and "Report too large" in err.message


async def test_the_race_error_is_final_after_the_grace_period() -> None:
    client, _, clock = make_client(Runs({"r1": [item(400, error(100, 33))]}))
    policy = PollPolicy(interval_seconds=10, max_interval_seconds=10, race_grace_seconds=30)
    err = (await poll_report_runs(client, ["r1"], policy=policy, clock=clock.monotonic))["r1"]
    assert isinstance(err, BadRequestError)
    assert sum(clock.sleeps) >= 30


async def test_a_run_that_never_ends_times_out() -> None:
    client, _, clock = make_client(Runs({"r1": [item(200, run_status("Job Running", 50))]}))
    policy = PollPolicy(interval_seconds=5, max_interval_seconds=5, timeout_seconds=60)
    err = (await poll_report_runs(client, ["r1"], policy=policy, clock=clock.monotonic))["r1"]
    assert isinstance(err, ReportRunTimeoutError)
    assert sum(clock.sleeps) <= 60


async def test_completed_status_below_100_percent_is_still_running() -> None:
    fake = Runs(
        {
            "r1": [
                item(200, run_status("Job Completed", 90)),
                item(200, run_status("Job Completed", 100)),
            ]
        }
    )
    client, _, clock = make_client(fake)
    await poll_report_runs(client, ["r1"], policy=POLICY, clock=clock.monotonic)
    assert len(fake.polls) == 2


async def test_run_report_pages_every_row() -> None:
    fake = Runs({"r1": [item(200, run_status("Job Completed", 100))]})
    client, _, clock = make_client(fake)
    rows = await run_report(client, "act_1", {"level": "ad"}, policy=POLICY, clock=clock.monotonic)
    assert [r["ad_id"] for r in rows] == ["1", "2"]


@pytest.mark.parametrize(
    ("percent", "second_wait"),
    [
        (20, 8.0),  # a 10 s run: 20 % after 2 s says 8 s more
        (60, 4 / 3),  # a 3-4 s run: 60 % after 2 s says 1.33 s more, within the interval
    ],
)
async def test_run_report_polls_first_after_one_interval_then_at_the_reported_pace(
    percent: int, second_wait: float
) -> None:
    fake = Runs(
        {
            "r1": [
                item(200, run_status("Job Running", percent)),
                item(200, run_status("Job Completed", 100)),
            ]
        }
    )
    client, _, clock = make_client(fake)
    policy = PollPolicy(interval_seconds=2, max_interval_seconds=30)
    await run_report(client, "act_1", {}, policy=policy, clock=clock.monotonic)
    # the first poll 2 s after the start (not at once), the second when the pace says
    assert clock.sleeps == [2, pytest.approx(second_wait)]
    assert len(fake.polls) == 2


async def test_run_report_raises_the_run_failure() -> None:
    fake = Runs({"r1": [item(200, run_status("Job Failed", 0))]})
    client, _, clock = make_client(fake)
    with pytest.raises(ReportRunFailedError):
        await run_report(client, "act_1", {}, policy=POLICY, clock=clock.monotonic)
