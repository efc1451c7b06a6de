"""Rate files: the ECB layouts (history and daily) and the plain date,currency,rate CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from metasync.fx import FxRate, RateFileError, parse_rates

# The head of eurofxref-hist.csv as the ECB serves it: trailing comma, N/A, newest first.
ECB_HIST = """Date,USD,JPY,BGN,CYP,CZK,KRW,
2026-02-27,1.0812,163.21,1.9558,N/A,25.102,1507.30,
2026-02-26,1.0790,162.80,1.9558,N/A,25.140,1501.05,
"""
# eurofxref.csv (today only): spaces after the commas, the date written out.
ECB_DAILY = "Date, USD, JPY, BGN, CZK, \n27 February 2026, 1.0812, 163.21, 1.9558, 25.102, \n"


def test_ecb_history() -> None:
    parsed = parse_rates(ECB_HIST.splitlines())
    assert parsed.layout == "ecb"
    by_key = {(r.currency, r.date): r.rate for r in parsed.rates}
    assert by_key[("USD", date(2026, 2, 27))] == Decimal("1.0812")
    assert by_key[("KRW", date(2026, 2, 26))] == Decimal("1501.05")
    assert not any(c == "CYP" for c, _ in by_key)  # N/A is no rate
    assert len(parsed.rates) == 10


def test_ecb_daily() -> None:
    parsed = parse_rates(ECB_DAILY.splitlines())
    assert parsed.layout == "ecb"
    assert FxRate("JPY", date(2026, 2, 27), Decimal("163.21")) in parsed.rates
    assert len(parsed.rates) == 4


def test_plain_csv_any_column_order() -> None:
    parsed = parse_rates(["currency,rate,date", "usd,1.08,2026-03-01", "", "JPY,160,2026-03-01"])
    assert parsed.layout == "csv"
    assert parsed.rates == (
        FxRate("USD", date(2026, 3, 1), Decimal("1.08")),
        FxRate("JPY", date(2026, 3, 1), Decimal("160")),
    )


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "empty"),
        (["when,what"], "date,currency,rate header"),
        (["date,currency,rate", "2026-13-01,USD,1.1"], "line 2: bad date"),
        (["date,currency,rate", "2026-03-01,US,1.1"], "line 2: bad currency"),
        (["date,currency,rate", "2026-03-01,USD,abc"], "line 2: bad rate"),
        (["date,currency,rate", "2026-03-01,USD,0"], "above 0"),
        (["date,currency,rate", "2026-03-01,USD,NaN"], "above 0"),
        (["date,currency,rate", "2026-03-01,USD"], "line 2: 2 fields"),
        (["date,currency,rate", "2026-03-01,USD,1.1", "2026-03-01,USD,1.2"], "twice"),
        (["date,currency,rate", "2026-03-01,EUR,1.1"], "per 1 EUR"),
        (["Date,USD", "2026-03-01,x"], "line 2: bad rate"),
    ],
)
def test_bad_files_are_refused_with_the_line(lines: list[str], message: str) -> None:
    with pytest.raises(RateFileError, match=message):
        parse_rates(lines)
