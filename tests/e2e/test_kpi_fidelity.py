"""KPIs of a real sync equal the emulator's ground truth: campaign and account KPIs per day
and over the whole history, on accounts at UTC+13, UTC-10, UTC+5:30, a JPY account and one
with daylight saving, after the settle has rewritten late conversions; organisation rollups
convert each day at its rate and show the days without one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.support.e2e_harness import Harness, account_today, history_start, outcomes_ok, truth_rows

AROUND_MIDNIGHT = datetime(2026, 3, 10, 11, 30, tzinfo=UTC)
PINNED = 5  # JPY/Tokyo, NZD/Tongatapu, USD/Honolulu, INR/Kolkata, NZD/Auckland
RATES = {"JPY": Decimal("160.5"), "NZD": Decimal("1.8"), "USD": Decimal("1.1"),
         "INR": Decimal("90.25")}  # fmt: skip
SUMS = ("impressions", "clicks", "spend", "link_clicks", "conversions", "revenue")
TRUTH_INDEX = {"impressions": 2, "clicks": 3, "spend": 4, "link_clicks": 9, "conversions": 10,
               "revenue": 11}  # fmt: skip


def truth_by(
    truth: dict[tuple[str, date], tuple[Any, ...]], level: str, account: str
) -> dict[tuple[str, date], dict[str, Decimal]]:
    out: dict[tuple[str, date], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (_, day), row in truth.items():
        entity = row[0] if level == "campaign" else account
        for name, i in TRUTH_INDEX.items():
            out[(entity, day)][name] += Decimal(row[i])
    return out


async def _kpi_daily(h: Harness, level: str, account: str) -> dict[tuple[str, date], Any]:
    rows = await h.fetch(
        "select entity_id, date, impressions, clicks, spend, link_clicks, conversions, revenue,"
        " currency from meta_sync.kpi_daily where level = %s and account_id = %s", level, account,
    )  # fmt: skip
    return {(r[0], r[1]): r for r in rows}


async def assert_kpis_equal_truth(h: Harness, account: str) -> int:
    since, until = history_start(h.emu, account), account_today(h.emu, account)
    truth = truth_rows(h.emu, account, since, until)
    currency = next(iter(truth.values()))[8]
    for level in ("campaign", "account"):
        want = truth_by(truth, level, account)
        got = await _kpi_daily(h, level, account)
        assert set(got) == set(want), (account, level)
        for key, sums in want.items():
            row = got[key]
            want_sums = tuple(sums[n] for n in SUMS)
            assert tuple(Decimal(v) for v in row[2:8]) == want_sums, (key, row)
            assert row[8] == currency
    summary = await h.fetch(
        "select spend, impressions, conversions, currency from meta_sync.kpi_summary("
        "'account', %s, %s, p_account_id => %s)", since, until, account,
    )  # fmt: skip
    total = truth_by(truth, "account", account)
    spend = sum((s["spend"] for s in total.values()), Decimal(0))
    impressions = sum(int(s["impressions"]) for s in total.values())
    conversions = sum((s["conversions"] for s in total.values()), Decimal(0))
    assert summary == [(spend, impressions, conversions, currency)]
    campaigns = {
        c["id"]
        for c in h.emu.truth_entities(account)["campaigns"]
        if c["effective_status"] != "DELETED"  # deleted ones only when the sync saw them
    }
    listed = await h.fetch(
        "select entity_id from meta_sync.kpi_summary('campaign', %s, %s, p_account_id => %s)",
        until, until, account,
    )  # fmt: skip
    assert {r[0] for r in listed} >= campaigns  # spent today or not
    return len(truth)


def rate_on(rates: dict[tuple[str, date], Decimal], currency: str, day: date) -> Decimal | None:
    for back in range(8):
        if (currency, day - timedelta(days=back)) in rates:
            return rates[(currency, day - timedelta(days=back))]
    return None


async def test_kpis_equal_the_ground_truth(make_harness: Callable[..., Any]) -> None:
    h: Harness = await make_harness("agency", clock=AROUND_MIDNIGHT)
    await h.connect(h.emu.account_ids[:PINNED])
    outcomes_ok(await h.drain())
    h.emu.advance(timedelta(hours=25))  # incremental + settle rewrite the recent days
    outcomes_ok(await h.drain())
    checked = [await assert_kpis_equal_truth(h, account) for account in h.accounts]
    assert all(checked)
    await _assert_organization_rollup(h)


async def _assert_organization_rollup(h: Harness) -> None:
    """Rates every third day (the 7-day fallback fills the others), NZD missing for 12 days."""
    first, last = date(2026, 2, 1), date(2026, 3, 11)
    gap = (date(2026, 2, 10), date(2026, 2, 21))
    rates: dict[tuple[str, date], Decimal] = {}
    day = first
    while day <= last:
        for cur, rate in RATES.items():
            if not (cur == "NZD" and gap[0] <= day <= gap[1]):
                rates[(cur, day)] = rate + Decimal(day.day) / 100
        day += timedelta(days=3)
    async with h.pool.connection() as conn:
        await conn.execute("update meta_sync.organizations set reporting_currency = 'EUR'")
        async with conn.cursor() as cur:
            await cur.executemany(
                "insert into meta_sync.fx_rates (currency, date, rate) values (%s, %s, %s)",
                [(c, d, r) for (c, d), r in rates.items()],
            )
    spend: dict[date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for account in h.accounts:
        rows = await h.fetch("select date, currency, spend from meta_sync.meta_insights_daily"
                             " where account_id = %s and date between %s and %s",
                             account, first + timedelta(days=7), last)  # fmt: skip
        for d, cur, amount in rows:
            spend[d][cur] += amount
    got = {r[0]: r[1:] for r in await h.fetch(
        "select date, spend, fx_missing_currencies from meta_sync.kpi_daily"
        " where level = 'organization' and date between %s and %s",
        first + timedelta(days=7), last)}  # fmt: skip
    assert set(got) == set(spend)
    missing_days = 0
    for d, by_currency in spend.items():
        factors = {c: rate_on(rates, c, d) for c in by_currency}
        lacking = sorted(c for c, f in factors.items() if f is None)
        if lacking:
            missing_days += 1
            assert got[d] == (None, lacking), d
        else:
            parts = (a / f for c, a in by_currency.items() if (f := factors[c]) is not None)
            want = sum(parts, Decimal(0))
            assert got[d][1] == [] and abs(got[d][0] - want) < Decimal("1e-9"), (d, got[d], want)
    assert missing_days >= 3  # the NZD gap shows, it is not added unconverted
