"""``metasync bench scheduler``: the scheduler and the chunk queue under many accounts.

Runs in a throwaway database (created next to the configured one, migrated, dropped after):
seeds the accounts with generate_series, then measures
- ``get_meta_accounts_due_for_sync(100)``: median / p95 latency and the plan of its query
  (node types via auto_explain: it must be an index plan),
- ``enqueue_due_syncs(100)``: latency,
- ``claim_sync_chunks``: throughput with 1, 8 and 16 concurrent claimers from a large pending
  set, and double claims (must be 0). The chunk ids go round-robin over the jobs, or with
  ``--chunks-by-job`` job after job as ``create_sync_job`` writes them (concurrent claimers then
  start the same job at once).
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from psycopg import conninfo, sql
from rich.console import Console
from rich.table import Table

from metasync.bench.seed import reset_chunks, seed_accounts, seed_chunks
from metasync.postgres.connect import resolve_database_url
from metasync.postgres.migrate import migrate
from metasync.settings import get_settings

console = Console()
NOW = datetime(2030, 6, 1, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Latency:
    calls: int
    median_ms: float
    p95_ms: float

    @classmethod
    def of(cls, samples: list[float]) -> Latency:
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return cls(len(ordered), round(statistics.median(ordered), 3), round(p95, 3))


@dataclass(frozen=True)
class ClaimRound:
    claimers: int
    batch: int
    chunks_claimed: int
    seconds: float
    chunks_per_second: float
    double_claims: int


@dataclass
class Report:
    accounts: int
    chunks_by_job: bool = False
    due: Latency | None = None
    due_plan_nodes: list[str] = field(default_factory=list)
    due_index_plan: bool = False
    enqueue: Latency | None = None
    claims: list[ClaimRound] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _timed(conn: psycopg.Connection, query: str, params: dict[str, Any], n: int) -> Latency:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        conn.execute(query, params).fetchall()
        samples.append((time.perf_counter() - start) * 1000)
    return Latency.of(samples)


def _has_function(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("select to_regproc(%s) is not null", (f"meta_sync.{name}",)).fetchone()
    return bool(row and row[0])


def _plan_nodes(plan: dict[str, Any]) -> Iterator[str]:
    node = plan.get("Node Type", "?")
    target = plan.get("Index Name") or plan.get("Relation Name")
    yield f"{node} on {target}" if target else node
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def _nested_plan(conn: psycopg.Connection, query: str, params: dict[str, Any]) -> list[str]:
    """Node types of the statements run inside a function (auto_explain, sent as notices)."""
    plans: list[str] = []
    conn.add_notice_handler(lambda diag: plans.append(diag.message_primary or ""))
    conn.execute("load 'auto_explain'")
    for setting in (
        "auto_explain.log_min_duration = 0",
        "auto_explain.log_nested_statements = on",
        "auto_explain.log_format = json",
        "client_min_messages = log",
    ):
        conn.execute(f"set {setting}")
    conn.execute(query, params).fetchall()
    conn.execute("reset client_min_messages")
    conn.execute("set auto_explain.log_min_duration = -1")
    nodes: list[str] = []
    for message in plans:
        body = message[message.find("{") :]
        if body.startswith("{") and "get_meta_accounts_due_for_sync" not in body[:200]:
            nodes.extend(_plan_nodes(json.loads(body).get("Plan", {})))
    return nodes


def _claimer(url: str, worker: str, batch: int, start: threading.Barrier, out: list[int]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        query = "select chunk_id from meta_sync.claim_sync_chunks(%s, %s, 600, %s)"
        conn.execute(query, (worker, 1, datetime(2000, 1, 1, tzinfo=UTC)))  # warm the plan
        start.wait()
        while rows := conn.execute(query, (worker, batch, NOW)).fetchall():
            out.extend(row[0] for row in rows)


def _claim_round(url: str, conn: psycopg.Connection, claimers: int, batch: int) -> ClaimRound:
    reset_chunks(conn)
    start = threading.Barrier(claimers + 1)
    claimed: list[list[int]] = [[] for _ in range(claimers)]
    threads = [
        threading.Thread(target=_claimer, args=(url, f"bench-{i}", batch, start, claimed[i]))
        for i in range(claimers)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    every = Counter(chunk for worker in claimed for chunk in worker)
    doubles = sum(n - 1 for n in every.values() if n > 1)
    row = conn.execute(
        "select count(*) filter (where claimed_count > 1) from meta_sync.sync_job_chunks"
    ).fetchone()
    doubles += int(row[0]) if row else 0
    total = sum(every.values())
    return ClaimRound(claimers, batch, total, round(seconds, 3), round(total / seconds, 1), doubles)


@contextmanager
def _throwaway_database(base_url: str, keep: bool) -> Iterator[str]:
    name = f"metasync_bench_{os.getpid()}"
    admin = conninfo.make_conninfo(base_url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = conninfo.make_conninfo(base_url, dbname=name)
    try:
        yield url
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
                )


def run(
    url: str,
    accounts: int,
    chunks: int,
    batch: int,
    claimer_counts: list[int],
    say: Callable[[str], None],
    chunks_by_job: bool = False,
) -> Report:
    """Seeds ``url`` (a migrated, empty database) and measures; returns the report."""
    report = Report(accounts=accounts, chunks_by_job=chunks_by_job)
    with psycopg.connect(url, autocommit=True) as conn:
        say(f"seeding {accounts} accounts")
        seed_accounts(conn, accounts, NOW)
        params: dict[str, Any] = {"limit": 100, "now": NOW}
        if _has_function(conn, "get_meta_accounts_due_for_sync"):
            due = "select * from meta_sync.get_meta_accounts_due_for_sync(%(limit)s, %(now)s)"
            _timed(conn, due, params, 10)  # warm-up
            report.due = _timed(conn, due, params, 200)
            report.due_plan_nodes = _nested_plan(conn, due, params)
            # An index plan: the accounts table is read through an index, never scanned whole
            # (tiny tables such as meta_sync_config may be).
            report.due_index_plan = (
                any("Index" in node for node in report.due_plan_nodes)
                and "Seq Scan on meta_ad_accounts" not in report.due_plan_nodes
            )
        else:
            report.missing.append("get_meta_accounts_due_for_sync")
        if _has_function(conn, "enqueue_due_syncs"):
            say("enqueue_due_syncs(100) x 20")
            enqueue = "select * from meta_sync.enqueue_due_syncs(%(limit)s, %(now)s)"
            report.enqueue = _timed(conn, enqueue, params, 20)
        else:
            report.missing.append("enqueue_due_syncs")
        conn.execute("truncate meta_sync.sync_jobs cascade")
        say(f"seeding {chunks} pending chunks")
        seed_chunks(conn, chunks, per_job=20, now=NOW, by_job=chunks_by_job)
        for claimers in claimer_counts:
            say(f"claiming with {claimers} claimer(s), {batch} per call")
            report.claims.append(_claim_round(url, conn, claimers, batch))
    return report


def _print(report: Report) -> None:
    layout = "chunks job after job" if report.chunks_by_job else "chunks round-robin over jobs"
    table = Table(title=f"metasync bench scheduler: {report.accounts} accounts, {layout}")
    table.add_column("measure")
    table.add_column("result", justify="right")
    table.add_column("target")
    if report.due:
        table.add_row(
            "due(100) median / p95 ms",
            f"{report.due.median_ms} / {report.due.p95_ms}",
            "median < 5 ms",
        )
        table.add_row(
            "due(100) plan",
            ", ".join(dict.fromkeys(report.due_plan_nodes)),
            "index plan: " + ("yes" if report.due_index_plan else "NO"),
        )
    if report.enqueue:
        table.add_row(
            "enqueue_due_syncs(100) median / p95 ms",
            f"{report.enqueue.median_ms} / {report.enqueue.p95_ms}",
            "median < 50 ms",
        )
    for claim in report.claims:
        table.add_row(
            f"claim x{claim.claimers} (batch {claim.batch}) chunks/s",
            f"{claim.chunks_per_second} ({claim.chunks_claimed} in {claim.seconds} s)",
            ">= 10 000 with 16" if claim.claimers == 16 else "",
        )
        table.add_row(f"claim x{claim.claimers} double claims", str(claim.double_claims), "0")
    for name in report.missing:
        table.add_row(name, "missing", "")
    console.print(table)


def scheduler(
    accounts: Annotated[int, typer.Option(help="Ad accounts to seed.")] = 100_000,
    chunks: Annotated[int, typer.Option(help="Pending chunks for the claim rounds.")] = 20_000,
    batch: Annotated[int, typer.Option(help="Chunks per claim call.")] = 10,
    claimers: Annotated[str, typer.Option(help="Comma-separated claimer counts.")] = "1,8,16",
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the report here.")] = None,
    keep: Annotated[bool, typer.Option(help="Keep the throwaway database.")] = False,
    chunks_by_job: Annotated[
        bool, typer.Option(help="Chunk ids job after job (default: round-robin over the jobs).")
    ] = False,
) -> None:
    """Measure due accounts, enqueueing and chunk claiming on a throwaway database."""
    base_url = resolve_database_url(get_settings())
    with _throwaway_database(base_url, keep) as url:
        console.print(
            f"migrating a throwaway database ({conninfo.conninfo_to_dict(url)['dbname']})"
        )
        migrate(url)
        report = run(
            url,
            accounts,
            chunks,
            batch,
            [int(n) for n in claimers.split(",")],
            console.print,
            chunks_by_job,
        )
    _print(report)
    payload = json.dumps(asdict(report), indent=2)
    if json_file is not None:
        json_file.write_text(payload + "\n")
    console.print_json(payload)
    failed = any(claim.double_claims for claim in report.claims)
    if failed:
        raise typer.Exit(1)
