"""The release path as a user meets it: build the wheels, install them into a fresh virtual
environment outside the checkout, and from a directory outside the checkout migrate a fresh
database, run the demo, and see an edited migration refused.

Slow-ish (a virtual environment and two wheels, about half a minute with pip's cache), so it
builds once per session and every test of the module shares the environment.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from metasync import __version__

REPO = Path(__file__).resolve().parents[3]
HISTORY = "select version, name, checksum from supabase_migrations.schema_migrations order by 1"


@dataclass(frozen=True)
class Installed:
    bin: Path
    site_packages: Path
    workdir: Path

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("METASYNC_")}
        environment.pop("DATABASE_URL", None)
        environment.update(env or {})
        return subprocess.run(
            [str(self.bin / "metasync"), *args],
            cwd=self.workdir,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )


def _build_wheels(root: Path) -> list[Path]:
    """Both wheels, built from a copy of the working tree (no stale ``build/`` of the checkout
    can slip into them)."""
    source, out = root / "source", root / "wheels"
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__")
    shutil.copytree(REPO, source, symlinks=True, ignore=ignore)
    out.mkdir(parents=True, exist_ok=True)
    for project in (source, source / "emulator"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--wheel-dir",
                str(out),
                str(project),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=root,
        )
    return sorted(out.glob("*.whl"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("wheel-install")
    wheels = _build_wheels(root)
    assert {w.name.split("-")[0] for w in wheels} == {"meta_sync", "meta_emulator"}
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    product = next(w for w in wheels if w.name.startswith("meta_sync-"))
    subprocess.run(
        [
            str(env_dir / "bin" / "pip"),
            "install",
            "--quiet",
            "--find-links",
            str(root / "wheels"),
            f"{product}[demo]",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    )
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    workdir = root / "elsewhere"
    workdir.mkdir()
    yield Installed(env_dir / "bin", site, workdir)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_installed_command_knows_its_version(installed: Installed) -> None:
    result = installed.run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"meta-sync {__version__}"


def test_the_installed_package_migrates_a_fresh_database(
    installed: Installed, empty_database_url: str
) -> None:
    url = empty_database_url
    result = installed.run("db", "migrate", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "applied 20261130000000_baseline.sql" in result.stdout
    with psycopg.connect(url) as conn:
        assert conn.execute(
            "select to_regprocedure('meta_sync.enqueue_due_syncs(integer,"
            " timestamptz)') is not null"
        ).fetchone() == (True,)
        assert conn.execute("select count(*) from meta_sync.meta_sync_config").fetchone() == (3,)
    status = installed.run("db", "status", env={"DATABASE_URL": url})
    assert status.returncode == 0 and "0 pending" in status.stdout, status.stdout


def test_an_edited_migration_in_the_installed_copy_is_refused(
    installed: Installed, empty_database_url: str
) -> None:
    url = empty_database_url
    assert installed.run("db", "migrate", env={"DATABASE_URL": url}).returncode == 0
    with psycopg.connect(url) as conn:
        before = conn.execute(HISTORY).fetchall()
    baseline = installed.site_packages / "metasync/schema/migrations/20261130000000_baseline.sql"
    original = baseline.read_text(encoding="utf-8")
    try:
        baseline.write_text(original + "\n-- edited after release\n", encoding="utf-8")
        result = installed.run("db", "migrate", env={"DATABASE_URL": url})
        status = installed.run("db", "status", env={"DATABASE_URL": url})
    finally:
        baseline.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "changed since they ran: 20261130000000_baseline.sql" in result.stderr
    assert status.returncode != 0 and "changed since applied" in status.stdout
    with psycopg.connect(url) as conn:
        assert conn.execute(HISTORY).fetchall() == before


def test_the_installed_demo_runs_from_outside_the_checkout(installed: Installed) -> None:
    # Not pytest's tmp_path: that is closed to the database service user the cluster runs as.
    home = Path(tempfile.mkdtemp(prefix="metasync-wheel-demo-"))
    env = {
        "METASYNC_HOME": str(home),
        "METASYNC_EMBEDDED_PORT": str(_free_port()),
        "COLUMNS": "160",
    }
    result = installed.run(
        "demo",
        "--accounts",
        "1",
        "--no-large",
        "--latency-ms",
        "0",
        "--report-seconds",
        "0.2",
        "--timeout-seconds",
        "240",
        env=env,
    )
    try:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert ", 0 differences" in result.stdout
    finally:
        installed.run("db", "stop", env=env)
        shutil.rmtree(home, ignore_errors=True)
