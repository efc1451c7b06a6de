"""``filtering`` rules: ``[{"field","operator","value"}]`` with every operator Meta documents.

Comparison is by the value's kind: numbers numerically, times (``created_time``,
``updated_time``: unix seconds or ``YYYY-MM-DD``) by instant, everything else as text.
``ANY``/``ALL``/``NONE`` take a list and compare with a list-valued field (a scalar field counts
as a list of one); ``IN_RANGE``/``NOT_IN_RANGE`` take ``[low, high]`` (inclusive).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from meta_emulator.errors import invalid

OPERATORS = frozenset(
    [
        "EQUAL",
        "NOT_EQUAL",
        "GREATER_THAN",
        "GREATER_THAN_OR_EQUAL",
        "LESS_THAN",
        "LESS_THAN_OR_EQUAL",
        "IN_RANGE",
        "NOT_IN_RANGE",
        "CONTAIN",
        "NOT_CONTAIN",
        "IN",
        "NOT_IN",
        "STARTS_WITH",
        "ENDS_WITH",
        "ANY",
        "ALL",
        "NONE",
        "AFTER",
        "BEFORE",
        "ON_OR_AFTER",
        "ON_OR_BEFORE",
    ]
)
LIST_OPERATORS = frozenset({"IN", "NOT_IN", "ANY", "ALL", "NONE", "IN_RANGE", "NOT_IN_RANGE"})


@dataclass(frozen=True)
class Rule:
    field: str
    operator: str
    value: Any  # a JSON value (hashable form: tuples for lists)

    def values(self) -> tuple[Any, ...]:
        return self.value if isinstance(self.value, tuple) else (self.value,)


def _frozen(value: Any) -> Any:
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def parse_rules(raw: str, allowed: frozenset[str] | None = None) -> tuple[Rule, ...]:
    """Rules from a ``filtering`` value; an unknown field or operator is Meta's code 100."""
    try:
        items = json.loads(raw)
    except ValueError:
        raise invalid("Param filtering must be an array of {field, operator, value}") from None
    if not isinstance(items, list):
        raise invalid("Param filtering must be an array of {field, operator, value}")
    return tuple(rule(item, allowed) for item in items)


def rule(item: Any, allowed: frozenset[str] | None) -> Rule:
    if not isinstance(item, dict) or not {"field", "operator"} <= set(item):
        raise invalid("Filtering field must be an object with field, operator and value")
    field, op = str(item["field"]), str(item["operator"]).upper()
    if allowed is not None and field not in allowed:
        raise invalid(f"Filtering field {field} is invalid")
    if op not in OPERATORS:
        raise invalid(f"Filtering operator {op} is not supported")
    value = item.get("value")
    if op in LIST_OPERATORS and not isinstance(value, list):
        raise invalid(f"Filtering operator {op} needs an array value")
    if op in ("IN_RANGE", "NOT_IN_RANGE") and len(value or ()) != 2:
        raise invalid(f"Filtering operator {op} needs [low, high]")
    return Rule(field, op, _frozen(value))


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _instant(value: Any) -> float | None:
    number = _number(value)
    if number is not None:
        return number
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _key(actual: Any, other: Any, timed: bool) -> tuple[Any, Any]:
    """Both sides as numbers (or instants) when both read as such, else as text."""
    convert = _instant if timed else _number
    a, b = convert(actual), convert(other)
    if a is not None and b is not None:
        return a, b
    return str(actual), str(other)


def matches(actual: Any, r: Rule, timed: bool = False) -> bool:
    """Whether a field's actual value passes the rule."""
    op = r.operator
    if op in ("ANY", "ALL", "NONE"):
        have = {str(a) for a in (actual if isinstance(actual, list | tuple) else [actual])}
        wanted = {str(v) for v in r.values()}
        hit = {"ANY": bool(have & wanted), "ALL": wanted <= have, "NONE": not have & wanted}
        return hit[op]
    if op in ("IN", "NOT_IN"):
        return (str(actual) in {str(v) for v in r.values()}) == (op == "IN")
    if op in ("IN_RANGE", "NOT_IN_RANGE"):
        low, high = r.values()
        a, lo = _key(actual, low, timed)
        b, hi = _key(actual, high, timed)
        return bool(a >= lo and b <= hi) == (op == "IN_RANGE")
    return _scalar(actual, op, r.value, timed)


def _scalar(actual: Any, op: str, value: Any, timed: bool) -> bool:
    text, other = str(actual).lower(), str(value).lower()
    if op in ("CONTAIN", "NOT_CONTAIN"):
        return (other in text) == (op == "CONTAIN")
    if op == "STARTS_WITH":
        return text.startswith(other)
    if op == "ENDS_WITH":
        return text.endswith(other)
    a, b = _key(actual, value, timed or op in ("AFTER", "BEFORE", "ON_OR_AFTER", "ON_OR_BEFORE"))
    results = {
        "EQUAL": a == b,
        "NOT_EQUAL": a != b,
        "GREATER_THAN": a > b,
        "AFTER": a > b,
        "GREATER_THAN_OR_EQUAL": a >= b,
        "ON_OR_AFTER": a >= b,
        "LESS_THAN": a < b,
        "BEFORE": a < b,
        "LESS_THAN_OR_EQUAL": a <= b,
        "ON_OR_BEFORE": a <= b,
    }
    return bool(results[op])
