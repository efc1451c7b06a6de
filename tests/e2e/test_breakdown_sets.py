"""Breakdown sets and attribution settings end to end: each set's rows stored under its own
breakdown_key / attribution_setting, equal to the emulator's ground truth (action values per
window included), the default rows and KPIs untouched; what Meta refuses is refused when the
set is configured."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from metasync.db.breakdowns import add_breakdown_set
from metasync.db.errors import InvalidArgumentError
from tests.support.e2e_harness import (
    Harness,
    account_today,
    assert_insights_equal,
    outcomes_ok,
)

WINDOWS = ("1d_click", "7d_click", "1d_view")


def truth_set(h: Harness, account: str, since: date, until: date, dims: tuple[str, ...],
              windows: tuple[str, ...]) -> dict[Any, Any]:  # fmt: skip
    out = {}
    for r in h.emu.truth_insights(account, since, until, dims, windows=windows):
        key = ",".join(dims) + ":" + ",".join(r[d] for d in dims) if dims else ""
        out[(r["ad_id"], date.fromisoformat(r["date_start"]), key)] = (
            int(r["impressions"]), int(r["clicks"]), Decimal(r["spend"]),
            r.get("actions") or [], r.get("action_values") or [],
        )  # fmt: skip
    return out


async def stored_set(h: Harness, account: str, since: date, until: date, setting: str,
                     prefix: str) -> dict[Any, Any]:  # fmt: skip
    rows = await h.fetch(
        "select ad_id, date, breakdown_key, impressions, clicks, spend, actions, action_values"
        " from meta_sync.meta_insights_daily where account_id = %s and date between %s and %s"
        " and attribution_setting = %s and breakdown_key like %s",
        account, since, until, setting, prefix + "%",
    )  # fmt: skip
    return {(r[0], r[1], r[2]): (r[3], r[4], Decimal(r[5]), r[6], r[7]) for r in rows}


async def test_sets_equal_the_ground_truth(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("small")
    await h.connect()
    assert h.organization_id is not None
    async with h.pool.connection() as conn:
        by_age = await add_breakdown_set(conn, h.organization_id, ["gender", "age"], list(WINDOWS))
        windows_only = await add_breakdown_set(conn, h.organization_id, [], ["7d_click"])
    # The job was planned before the sets existed: the next scheduled job reads them.
    outcomes_ok(await h.drain())
    h.emu.advance(timedelta(hours=3))
    outcomes_ok(await h.drain())
    account = h.accounts[0]
    planned = await h.fetch(
        "select dataset, count(*) from meta_sync.sync_job_chunks where dataset like 'breakdown:%%'"
        " and status = 'completed' group by 1 order by 1"
    )
    assert {r[0] for r in planned} == {f"breakdown:{by_age}", f"breakdown:{windows_only}"}
    since = await h.fetch(
        "select min(date_since) from meta_sync.sync_job_chunks where dataset = %s",
        f"breakdown:{by_age}",
    )  # fmt: skip
    first, until = since[0][0], account_today(h.emu, account)
    want = truth_set(h, account, first, until, ("age", "gender"), WINDOWS)
    got = await stored_set(h, account, first, until, ",".join(WINDOWS), "age,gender:")
    assert want and set(got) == set(want)
    wrong = [(k, want[k], got[k]) for k in want if got[k] != want[k]]
    assert not wrong, (len(wrong), [(w[1][3], w[2][3], w[1][4], w[2][4]) for w in wrong[:1]])
    assert any("7d_click" in a for row in got.values() for a in row[3])  # values per window
    want = truth_set(h, account, first, until, (), ("7d_click",))
    got = await stored_set(h, account, first, until, "7d_click", "")
    assert set(got) == set(want) and all(got[k] == want[k] for k in want)
    await assert_insights_equal(h, account)  # the default rows are untouched
    kpi = await h.fetch("select sum(impressions) from meta_sync.kpi_daily where level = 'account'")
    facts = await h.fetch(
        "select sum(impressions) from meta_sync.meta_insights_daily"
        " where breakdown_key = '' and attribution_setting = 'default'"
    )
    assert kpi == facts


@pytest.mark.parametrize(
    ("dims", "windows", "unified", "months", "message"),
    [
        (
            ["age", "country"],
            [],
            False,
            13,
            r"does not serve the breakdown combination age \+ country",
        ),
        (["platform_position"], [], False, 13, "does not serve"),
        (["shoe_size"], [], False, 13, "unknown breakdown"),
        (["age"], ["28d_view"], False, 13, "no longer returns"),
        (["age"], ["1d_click"], True, 13, "exclude each other"),
        ([], [], False, 13, "empty set"),
        (["country"], [], False, 24, "omits reach for breakdowns older than 13 months"),
        (["hourly_stats_aggregated_by_advertiser_time_zone"], [], False, 13, "per tier"),
    ],
)
async def test_what_meta_refuses_is_refused_when_configured(
    make_harness: Callable[..., Any], dims: list[str], windows: list[str], unified: bool,
    months: int, message: str,
) -> None:  # fmt: skip
    h: Harness = await make_harness("small")
    await h.connect()
    async with h.pool.connection() as conn:
        assert h.organization_id is not None
        with pytest.raises(InvalidArgumentError, match=message):
            async with conn.transaction():
                await add_breakdown_set(conn, h.organization_id, dims, windows, unified,
                                        history_months=months)  # fmt: skip
        async with conn.transaction():  # without reach, older history is fine
            ok = await add_breakdown_set(conn, h.organization_id, ["country"], [], False,
                                         with_reach=False, history_months=24)  # fmt: skip
        assert ok > 0
    assert await h.fetch("select count(*) from meta_sync.insights_breakdown_sets") == [(1,)]
