"""An upgrade as a user lives it: a database at the 0.1.0 baseline, filled by a real sync of the
0.1.0 worker against the 0.1.0 emulator, is migrated to HEAD; every row is kept, the data still
equals the emulator's ground truth, and a worker of this version then completes an incremental
sync on it.

The 0.1.0 release is taken from git history (the commit the baseline migration reproduces) and
installed into a virtual environment of its own, so the rows come from the code that users of
0.1.0 ran, not from today's worker writing into an old schema.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from metasync import schema
from metasync.crypto import generate_key
from metasync.postgres.migrate import migrate
from metasync.verify import compare_with_truth

REPO = Path(__file__).resolve().parents[3]
RELEASE_0_1_0 = "497e8bc"  # the last commit of 0.1.0: what the baseline migration reproduces
BASELINE = schema.migrations()[0].version
ACCOUNTS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Release:
    """An installed meta-sync: its ``metasync`` executable and the environment it runs with."""

    executable: Path
    env: dict[str, str]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.executable), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=self.env["METASYNC_HOME"],
        )


class EmulatorTruth:
    """The 0.1.0 emulator's ground truth through its control API (a ``TruthSource``)."""

    def __init__(self, url: str) -> None:
        self.control = httpx.Client(base_url=f"{url}/__emulator", timeout=60)

    def truth_entities(self, account_id: str) -> dict[str, list[dict[str, Any]]]:
        answer = self.control.get("/truth/entities", params={"account_id": account_id})
        return dict(answer.raise_for_status().json())

    def truth_insights(self, account_id: str, since: date, until: date) -> list[dict[str, Any]]:
        params = {"account_id": account_id, "since": str(since), "until": str(until)}
        answer = self.control.get("/truth/insights", params=params).raise_for_status()
        return list(answer.json()["data"])

    def credentials(self) -> dict[str, Any]:
        return dict(self.control.get("/credentials").raise_for_status().json())


def _install_release(root: Path) -> Path:
    """0.1.0 from git history into ``root/venv``; returns its ``metasync`` executable."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", RELEASE_0_1_0],
        capture_output=True,
        check=True,
    ).stdout
    source = root / "meta-sync-0.1.0"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(source, filter="data")
    venv.create(root / "venv", with_pip=True)
    pip = [str(root / "venv" / "bin" / "pip"), "install", "--quiet", str(source)]
    subprocess.run(pip, check=True, capture_output=True, text=True, cwd=root)
    return root / "venv" / "bin" / "metasync"


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the 0.1.0 emulator exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/__emulator/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the 0.1.0 emulator did not start")


@pytest.fixture(scope="module")
def old_release() -> Iterator[tuple[Path, Path]]:
    root = Path(tempfile.mkdtemp(prefix="metasync-0.1.0-"))
    try:
        yield _install_release(root), root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def old_emulator(old_release: tuple[Path, Path]) -> Iterator[str]:
    executable, root = old_release
    port = _free_port()
    log = (root / "emulator.log").open("ab")
    argv = [str(executable), "emulator", "--port", str(port), "--world", "small"]
    # Frozen at the wall clock's now (the workers run on the wall clock), so the truth stays still.
    clock = datetime.now(UTC).replace(microsecond=0).isoformat()
    argv += ["--seed", "3", "--clock", clock, "--report-run-s", "0.2"]
    proc = subprocess.Popen(argv, stdout=log, stderr=log, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def _environment(
    database_url: str, emulator_url: str, creds: dict[str, Any], home: Path
) -> dict[str, str]:
    key = base64.b64encode(generate_key()).decode()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("METASYNC_")},
        "DATABASE_URL": database_url,
        "METASYNC_HOME": str(home),
        "METASYNC_GRAPH_BASE_URL": emulator_url,
        "METASYNC_META_APP_ID": str(creds["app_id"]),
        "METASYNC_META_APP_SECRET": str(creds["app_secret"]),
        "METASYNC_TOKEN_KEYS": f"upgrade:{key}",
        "METASYNC_TOKEN_KEY_ID": "upgrade",
        "METASYNC_POLL_INTERVAL_SECONDS": "0.2",
        "METASYNC_REPORT_POLL_SECONDS": "0.2",
    }


OPEN_WORK = """
select (select count(*) from meta_sync.sync_jobs where status in ('pending', 'in_progress'))
     + (select count(*) from meta_sync.meta_ad_accounts where phase_2_completed_at is null)
"""


def _scalar(url: str, query: str) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def _sync_until_done(release: Release, url: str, passes: int = 10) -> None:
    for _ in range(passes):
        result = release.run("run", "--once", "--max-seconds", "60", "--log-level", "WARNING")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        if _scalar(url, OPEN_WORK) == 0:
            return
    raise AssertionError(f"work still open after {passes} passes")


# The synced facts: their rows must come through an upgrade unchanged, value for value.
FACT_TABLES = (
    "organizations",
    "meta_connections",
    "meta_ad_accounts",
    "meta_campaigns",
    "meta_adsets",
    "meta_ads",
    "meta_ad_creatives",
    "meta_insights_daily",
    "data_freshness",
)


def _table_columns(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select c.relname, array_agg(a.attname::text order by a.attnum) from pg_class c"
            " join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'meta_sync'"
            " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
            " where c.relkind in ('r', 'p') group by c.relname order by 1"
        ).fetchall()
    return {table: list(columns) for table, columns in rows}


def _snapshot(url: str, columns: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Row count of every table; for the fact tables also a digest of every row's values
    (over the given columns: the ones the table had at the baseline)."""
    snapshot: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url) as conn:
        for table, names in columns.items():
            chosen = names if table in FACT_TABLES else names[:1]
            row = conn.execute(
                sql.SQL(
                    "select count(*), coalesce(md5(string_agg(r::text, '|' order by r::text)), '')"
                    " from (select {} from meta_sync.{}) r"
                ).format(sql.SQL(", ").join(map(sql.Identifier, chosen)), sql.Identifier(table))
            ).fetchone()
            assert row is not None
            snapshot[table] = (int(row[0]), str(row[1]) if table in FACT_TABLES else "")
    return snapshot


async def _differences(url: str, truth: EmulatorTruth, accounts: list[str]) -> list[str]:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    async with conn:
        comparison = await compare_with_truth(conn, truth, accounts)
    return comparison.differences


async def test_a_synced_baseline_database_upgrades_to_head(
    empty_database_url: str, old_release: tuple[Path, Path], old_emulator: str
) -> None:
    executable, root = old_release
    url = empty_database_url
    assert [m.version for m in migrate(url, target=BASELINE)] == [BASELINE]

    truth = EmulatorTruth(old_emulator)
    creds = truth.credentials()
    accounts = list(creds["account_ids"])[:ACCOUNTS]
    env = _environment(url, old_emulator, creds, root)
    old = Release(executable, env)
    connect_args = ["connect", "--org", "upgraders", "--token", "-"]
    for account in accounts:
        connect_args += ["--account", account]
    connected = old.run(*connect_args, stdin=str(creds["access_token"]) + "\n")
    assert connected.returncode == 0, connected.stdout + connected.stderr
    _sync_until_done(old, url)
    assert await _differences(url, truth, accounts) == []
    baseline_columns = _table_columns(url)
    before = _snapshot(url, baseline_columns)
    assert before["meta_insights_daily"][0] > 100

    migrate(url)

    assert _snapshot(url, baseline_columns) == before
    assert await _differences(url, truth, accounts) == []

    # Due now (as after two quiet hours): this version's worker runs the incremental sync.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "update meta_sync.meta_ad_accounts set next_sync_at = now() - interval '1 min'"
        )
    with psycopg.connect(url, autocommit=True) as conn:
        jobs = conn.execute(
            "select job_id from meta_sync.enqueue_due_syncs(100) where sync_phase = 'incremental'"
        ).fetchall()
    assert jobs, "nothing was due"
    head = Release(Path(sys.executable).parent / "metasync", env)
    _sync_until_done(head, url)
    with psycopg.connect(url) as conn:
        statuses = conn.execute(
            "select status::text from meta_sync.sync_jobs where id = any(%s)",
            ([job_id for (job_id,) in jobs],),
        ).fetchall()
    assert statuses == [("completed",)] * len(jobs)
    assert await _differences(url, truth, accounts) == []
