"""Usage headers as Meta documents them (docs/meta-api.md), the pure policy and the governor."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from metasync.graph import GovernorBlockedError, ThrottledError
from metasync.graph.errors import classify
from metasync.graph.governor import Governor
from metasync.graph.ratelimit import (
    GovernorPolicy,
    InMemoryUsageStore,
    LimitScope,
    ScopeState,
    delay_before_next_call,
    merge_state,
    parse_usage,
    throttle_usage,
)
from tests.support.graph_fakes import Clock, error, make_client, reply

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SAMPLES = {
    "X-App-Usage": '{"call_count":28,"total_time":25,"total_cputime":25}',
    "X-Ad-Account-Usage": (
        '{"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"}'
    ),
    "X-Business-Use-Case-Usage": json.dumps(
        {
            "123456": [
                {
                    "type": "ads_insights",
                    "call_count": 98,
                    "total_cputime": 12,
                    "total_time": 40,
                    "estimated_time_to_regain_access": 3,
                    "ads_api_access_tier": "standard_access",
                }
            ]
        }
    ),
    "X-FB-Ads-Insights-Throttle": '{"app_id_util_pct":1.5,"acc_id_util_pct":0}',
}


def test_parse_every_usage_header() -> None:
    usage = parse_usage(SAMPLES, NOW, account_id="act_777")
    assert usage.states[LimitScope.app()].pct == 28
    account = usage.states[LimitScope.account("act_777")]
    assert account.pct == pytest.approx(9.67) and account.blocked_until is None
    buc = usage.states[LimitScope.business("123456", "ads_insights")]
    assert buc.pct == 98
    assert buc.blocked_until == NOW + timedelta(minutes=3)
    assert usage.insights_throttle == {"app_id_util_pct": 1.5, "acc_id_util_pct": 0}
    assert usage.access_tier == "standard_access"


def test_account_at_100_percent_is_blocked_for_the_reset_duration() -> None:
    headers = {"x-ad-account-usage": '{"acc_id_util_pct":100,"reset_time_duration":300}'}
    state = parse_usage(headers, NOW, account_id="act_1").states[LimitScope.account("1")]
    assert state.blocked_until == NOW + timedelta(seconds=300)


def test_garbage_headers_are_ignored() -> None:
    headers = {"x-app-usage": "not json", "x-business-use-case-usage": '{"1": "x"}'}
    assert parse_usage(headers, NOW).empty


def test_no_delay_below_slow_start() -> None:
    for pct in (0, 30, 59.9):
        assert delay_before_next_call(ScopeState(pct, NOW), NOW) == 0


def test_delay_is_monotonic_and_continuous_in_usage() -> None:
    delays = [delay_before_next_call(ScopeState(p / 2, NOW), NOW) for p in range(201)]
    assert delays == sorted(delays)
    assert delays[120] == 0 < delays[150] < delays[180]
    steps = [b - a for a, b in itertools.pairwise(delays[:190])]
    assert max(steps) < 10  # no jump before the stop threshold


def test_stop_at_the_top_lasts_until_regain_time() -> None:
    state = ScopeState(99, NOW, blocked_until=NOW + timedelta(minutes=20))
    assert delay_before_next_call(state, NOW) == pytest.approx(20 * 60)
    # the last minute of the stop still spaces calls by the top pacing delay
    assert delay_before_next_call(state, NOW + timedelta(minutes=19)) == pytest.approx(120)
    assert delay_before_next_call(state, NOW + timedelta(minutes=21)) == 0


def test_stop_without_regain_time_uses_the_policy_window() -> None:
    policy = GovernorPolicy(stop_seconds=600, max_spread_seconds=120)
    state = ScopeState(100, NOW)
    assert delay_before_next_call(state, NOW, policy) == 600
    assert delay_before_next_call(state, NOW + timedelta(seconds=550), policy) == 120


def test_stale_usage_no_longer_slows_but_a_stop_still_holds() -> None:
    policy = GovernorPolicy()
    later = NOW + timedelta(seconds=policy.stale_after_seconds + 1)
    assert delay_before_next_call(ScopeState(90, NOW), later) == 0
    blocked = ScopeState(90, NOW, blocked_until=later + timedelta(seconds=5))
    assert delay_before_next_call(blocked, later) == pytest.approx(5)


def test_merge_keeps_the_newest_usage_and_the_longest_stop() -> None:
    old = ScopeState(100, NOW, blocked_until=NOW + timedelta(minutes=10))
    new = ScopeState(20, NOW + timedelta(minutes=1))
    merged = merge_state(old, new)
    assert merged.pct == 20 and merged.blocked_until == old.blocked_until


def test_throttle_without_regain_time_blocks_for_the_default() -> None:
    err = classify(400, json.dumps(error(613)), {}, account_id="act_5")
    assert isinstance(err, ThrottledError)
    usage = throttle_usage(err, NOW, 900, "act_5")
    assert usage.states[LimitScope.account("5")].blocked_until == NOW + timedelta(seconds=900)


async def test_after_one_throttle_no_call_reaches_meta_until_regain_time() -> None:
    buc = {
        "x-business-use-case-usage": json.dumps(
            {
                "5": [
                    {
                        "type": "ads_insights",
                        "call_count": 100,
                        "estimated_time_to_regain_access": 4,
                    }
                ]
            }
        )
    }
    answers = [reply(400, error(80000, 2446079), buc)]

    def handler(request):  # type: ignore[no-untyped-def]
        return answers.pop(0) if answers else reply(body={"data": []})

    client, server, clock = make_client(handler, governor=True)
    with pytest.raises(ThrottledError) as first:
        await client.get("act_5/insights")
    assert not isinstance(first.value, GovernorBlockedError)
    for _ in range(3):
        with pytest.raises(GovernorBlockedError) as blocked:
            await client.get("act_5/insights")
        assert blocked.value.retry_after and blocked.value.retry_after > 200
    assert len(server.requests) == 1
    await client.get("act_6/insights")  # another account goes on
    clock.now += timedelta(minutes=4, seconds=1)
    await client.get("act_5/insights")
    assert len(server.requests) == 3


async def test_app_throttle_stops_every_account() -> None:
    answers = [reply(400, error(4))]
    client, server, _ = make_client(
        lambda r: answers.pop(0) if answers else reply(body={}), governor=True
    )
    with pytest.raises(ThrottledError):
        await client.get("act_1/campaigns")
    with pytest.raises(GovernorBlockedError):
        await client.get("act_2/campaigns")
    assert len(server.requests) == 1


async def test_usage_on_error_responses_is_recorded() -> None:
    client, _, _ = make_client(lambda r: reply(400, error(100), SAMPLES), governor=True)
    with pytest.raises(Exception):  # noqa: B017
        await client.get("act_777/campaigns")
    assert client.governor is not None
    state = await client.governor.store.load(LimitScope.app())
    assert state is not None and state.pct == 28


async def test_high_usage_paces_calls_with_short_sleeps() -> None:
    clock = Clock()
    store = InMemoryUsageStore()
    governor = Governor(store, clock=clock, sleep=clock.sleep, max_wait_seconds=300)
    await store.record(parse_usage({"x-app-usage": '{"call_count":85}'}, clock.now))
    await governor.before_call("act_1")
    assert len(clock.sleeps) == 1 and 0 < clock.sleeps[0] < 120


@pytest.mark.parametrize("minutes_blocked", [0, 1, 30])
@pytest.mark.parametrize("age_minutes", [0, 2, 10, 70])
def test_delay_is_monotonic_in_usage_for_any_stop_and_age(
    minutes_blocked: int, age_minutes: int
) -> None:
    blocked = NOW + timedelta(minutes=minutes_blocked) if minutes_blocked else None
    now = NOW + timedelta(minutes=age_minutes)
    delays = [delay_before_next_call(ScopeState(p, NOW, blocked), now) for p in range(0, 101)]
    assert delays == sorted(delays)
