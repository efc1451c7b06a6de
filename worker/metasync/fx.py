"""Reading exchange-rate files: the ECB reference-rate CSV and a plain ``date,currency,rate`` CSV.

Both give rates the ECB way: units of the currency for 1 EUR. The ECB files are

* ``eurofxref-hist.csv``: header ``Date,USD,JPY,BGN,...,`` (a trailing comma), one row per
  working day, newest first, ``N/A`` where a currency had no rate that day, dates
  ``YYYY-MM-DD``;
* ``eurofxref.csv`` (today only): the same with a space after each comma and the date written
  ``28 November 2026``.

The plain file has the header ``date,currency,rate`` (any order, any case). Bad input (an
unknown layout, a malformed date, currency or rate, a rate not above 0, the same currency and
day twice with different rates) raises :class:`RateFileError` naming the line, before anything
is stored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

CURRENCY = re.compile(r"^[A-Z]{3}$")
MISSING = {"", "N/A", "NA", "-"}


class RateFileError(ValueError):
    """The file cannot be read as rates; the message names the line."""


@dataclass(frozen=True)
class FxRate:
    currency: str
    date: date
    rate: Decimal


@dataclass(frozen=True)
class RateFile:
    layout: str  # "ecb" | "csv"
    rates: tuple[FxRate, ...]


def parse_date(text: str, line: int) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RateFileError(f"line {line}: bad date {text!r} (expected YYYY-MM-DD)")


def parse_rate(text: str, line: int) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise RateFileError(f"line {line}: bad rate {text.strip()!r}") from None
    if not value.is_finite() or value <= 0:
        raise RateFileError(f"line {line}: a rate must be a number above 0, got {text.strip()!r}")
    return value


def parse_currency(text: str, line: int) -> str:
    code = text.strip().upper()
    if not CURRENCY.match(code):
        raise RateFileError(f"line {line}: bad currency code {text.strip()!r}")
    return code


def _ecb_rows(header: list[str], rows: Iterable[tuple[int, list[str]]]) -> Iterator[FxRate]:
    codes = [parse_currency(h, 1) if h.strip() else "" for h in header[1:]]
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        day = parse_date(row[0], line)
        for code, cell in zip(codes, row[1:], strict=False):
            if code and cell.strip().upper() not in MISSING:
                yield FxRate(code, day, parse_rate(cell, line))


def _plain_rows(header: list[str], rows: Iterable[tuple[int, list[str]]]) -> Iterator[FxRate]:
    names = [h.strip().lower() for h in header]
    try:
        i_date, i_cur, i_rate = (names.index(n) for n in ("date", "currency", "rate"))
    except ValueError:
        raise RateFileError("line 1: expected a date,currency,rate header") from None
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            raise RateFileError(f"line {line}: {len(row)} fields, expected {len(names)}")
        yield FxRate(
            parse_currency(row[i_cur], line), parse_date(row[i_date], line),
            parse_rate(row[i_rate], line),
        )  # fmt: skip


def parse_rates(lines: Iterable[str]) -> RateFile:
    """Every rate of a file (ECB or plain layout, told apart by the header)."""
    numbered = ((n, row) for n, row in enumerate(csv.reader(lines), start=1))
    first = next(numbered, None)
    if first is None:
        raise RateFileError("the file is empty")
    header = first[1]
    names = [h.strip().lower() for h in header]
    ecb = len(names) > 1 and names[0] == "date" and not {"currency", "rate"} & set(names)
    rates = list(_ecb_rows(header, numbered) if ecb else _plain_rows(header, numbered))
    return RateFile("ecb" if ecb else "csv", tuple(_deduplicated(rates)))


def _deduplicated(rates: list[FxRate]) -> list[FxRate]:
    seen: dict[tuple[str, date], FxRate] = {}
    for r in rates:
        other = seen.setdefault((r.currency, r.date), r)
        if other.rate != r.rate:
            raise RateFileError(
                f"{r.currency} on {r.date} twice with different rates ({other.rate}, {r.rate})"
            )
        if r.currency == "EUR" and r.rate != 1:
            raise RateFileError(f"EUR on {r.date} has rate {r.rate}: rates are per 1 EUR")
    return list(seen.values())


def read_rate_file(path: Path) -> RateFile:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return parse_rates(handle)
    except OSError as exc:
        raise RateFileError(f"cannot read {path}: {exc.strerror}") from None
