"""Compare the database with the emulator's ground truth: every entity and every ad-day metric.

Used by ``metasync demo`` and ``metasync bench onboarding``. The truth source is anything with
``truth_entities(account_id)`` and ``truth_insights(account_id, since, until)`` (the emulator);
the ranges compared are those the account's completed jobs covered. Every live object must be
stored; an object deleted before any sync saw it cannot be (Meta lists deleted objects only by
id), so it is counted apart, not as a difference; a stored object must equal Meta's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import psycopg

from metasync.db import entities, insights, status

ENTITY_TABLES = {
    "campaigns": ("meta_campaigns", ("name", "status", "effective_status")),
    "adsets": ("meta_adsets", ("name", "status", "effective_status", "campaign_id")),
    "ads": ("meta_ads", ("name", "status", "effective_status", "campaign_id", "adset_id")),
    "adcreatives": ("meta_ad_creatives", ("name",)),
}
METRICS = ("impressions", "clicks", "spend", "reach", "actions", "action_values")


class TruthSource(Protocol):
    def truth_entities(self, account_id: str) -> dict[str, list[dict[str, Any]]]: ...

    def truth_insights(self, account_id: str, since: date, until: date) -> list[dict[str, Any]]: ...


@dataclass
class Comparison:
    rows_compared: int = 0
    entities_compared: int = 0
    unseen_deleted: int = 0  # deleted at Meta and never stored: no sync could list them
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        unseen = f" ({self.unseen_deleted} deleted before any sync saw them)"
        return (
            f"ground truth: {self.rows_compared} ad-day rows and {self.entities_compared} "
            f"entities compared{unseen if self.unseen_deleted else ''}, "
            f"{len(self.differences)} differences"
        )


def _stats(value: Any) -> dict[str, Decimal]:
    """``[{"action_type", "value"}]`` -> ``{type: total}`` (window keys ignored)."""
    out: dict[str, Decimal] = {}
    for item in value or []:
        if isinstance(item, Mapping) and "action_type" in item:
            key = str(item["action_type"])
            out[key] = out.get(key, Decimal(0)) + Decimal(str(item.get("value", 0)))
    return out


def normalise_metrics(row: Mapping[str, Any]) -> dict[str, Any]:
    reach = row.get("reach")
    return {
        "impressions": int(row.get("impressions") or 0),
        "clicks": int(row.get("clicks") or 0),
        "spend": Decimal(str(row.get("spend") or 0)).normalize(),
        "reach": None if reach in (None, "") else int(reach),
        "actions": _stats(row.get("actions")),
        "action_values": _stats(row.get("action_values")),
    }


def diff_metrics(key: str, truth: Mapping[str, Any], db: Mapping[str, Any]) -> list[str]:
    t, d = normalise_metrics(truth), normalise_metrics(db)
    return [f"{key} {m}: meta={t[m]!r} db={d[m]!r}" for m in METRICS if t[m] != d[m]]


async def synced_ranges(
    conn: psycopg.AsyncConnection[Any], account_id: str
) -> list[tuple[date, date]]:
    """The date ranges of the account's completed insight jobs."""
    return await status.completed_ranges(conn, account_id)


async def compare_insights(
    conn: psycopg.AsyncConnection[Any], truth: TruthSource, account_id: str, result: Comparison
) -> None:
    for since, until in merge_ranges(await synced_ranges(conn, account_id)):
        expected = {
            (str(r["ad_id"]), str(r["date_start"])): r
            for r in truth.truth_insights(account_id, since, until)
        }
        found = await insights.daily_metrics(conn, account_id, since, until)
        stored = {(str(r["ad_id"]), str(r["date_start"])): r for r in found}
        result.rows_compared += len(expected.keys() | stored.keys())
        for key in sorted(expected.keys() | stored.keys()):
            label = f"{account_id} ad {key[0]} {key[1]}"
            if key not in stored:
                result.differences.append(f"{label}: missing in the database")
            elif key not in expected:
                result.differences.append(f"{label}: in the database, not at Meta")
            else:
                result.differences.extend(diff_metrics(label, expected[key], stored[key]))


def merge_ranges(ranges: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for since, until in sorted(ranges):
        if merged and since.toordinal() <= merged[-1][1].toordinal() + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], until))
        else:
            merged.append((since, until))
    return merged


async def compare_entities(
    conn: psycopg.AsyncConnection[Any], truth: TruthSource, account_id: str, result: Comparison
) -> None:
    expected_all = truth.truth_entities(account_id)
    for kind, (table, columns) in ENTITY_TABLES.items():
        expected = {str(o["id"]): o for o in expected_all.get(kind, [])}
        found = await entities.entity_rows(conn, table, columns, account_id)
        stored = {str(r["id"]): r for r in found}
        result.entities_compared += len(expected.keys() | stored.keys())
        for oid in sorted(expected.keys() | stored.keys()):
            if oid not in stored and expected[oid].get("effective_status") == "DELETED":
                result.unseen_deleted += 1  # Meta lists deleted objects only by id
            elif oid not in stored:
                result.differences.append(f"{account_id} {kind} {oid}: missing in the database")
            elif oid not in expected:
                result.differences.append(f"{account_id} {kind} {oid}: not at Meta")
            else:
                result.differences.extend(
                    f"{account_id} {kind} {oid} {c}: meta={expected[oid].get(c)!r} "
                    f"db={stored[oid][c]!r}"
                    for c in columns
                    if str(expected[oid].get(c)) != str(stored[oid][c])
                )


async def compare_with_truth(
    conn: psycopg.AsyncConnection[Any], truth: TruthSource, account_ids: Iterable[str]
) -> Comparison:
    result = Comparison()
    for account_id in account_ids:
        await compare_entities(conn, truth, account_id, result)
        await compare_insights(conn, truth, account_id, result)
    return result
