"""The embedded default: a local PostgreSQL cluster that metasync creates, starts and reuses.

With no ``DATABASE_URL`` every command runs against this cluster. It lives in a data directory
metasync owns, listens on 127.0.0.1 only, and preloads pg_cron when the extension is installed.

``initdb`` and ``pg_ctl`` refuse to run as root. When metasync runs as root it runs them as an
unprivileged service user (``postgres`` where the Debian package created it, else a ``metasync``
system user created on first use) and gives that user the data directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from metasync.db import databases

DATABASE_NAME = "metasync"
SUPERUSER = "postgres"
_SERVICE_USERS = ("postgres", "metasync")


class EmbeddedPostgresError(RuntimeError):
    """The embedded cluster could not be created or started (the message says what to do)."""


class EmbeddedPortTakenError(EmbeddedPostgresError):
    """Another program listens on the embedded cluster's port."""


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts connections on ``host:port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass(frozen=True)
class EmbeddedPostgres:
    """A local cluster in ``data_dir`` on ``port``; nothing happens until ``ensure_running``."""

    data_dir: Path
    port: int
    database: str = DATABASE_NAME

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{self.database}"

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @property
    def log_file(self) -> Path:
        return self.data_dir.parent / "postgres.log"

    def ensure_running(self) -> str:
        """Create the cluster if needed, start it if stopped; return the database URL."""
        bindir = find_bindir()
        running = self.is_running()
        if not running and port_in_use(self.port):
            raise EmbeddedPortTakenError(
                f"port {self.port} of the embedded PostgreSQL is taken by another program;"
                " set METASYNC_EMBEDDED_PORT to a free port"
            )
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(bindir)
        if not running:
            self._start(bindir)
        self._ensure_database()
        return self.url

    def is_running(self) -> bool:
        if not (self.data_dir / "postmaster.pid").exists():
            return False
        result = self._run(
            [str(find_bindir() / "pg_ctl"), "status", "-D", str(self.data_dir)], check=False
        )
        return result.returncode == 0

    def stop(self) -> None:
        if self.is_running():
            self._run(
                [
                    str(find_bindir() / "pg_ctl"),
                    "stop",
                    "-D",
                    str(self.data_dir),
                    "-m",
                    "fast",
                    "-w",
                ]
            )

    # --- steps ----------------------------------------------------------------------------
    def _initdb(self, bindir: Path) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._hand_over(self.data_dir)
        self._run(
            [
                str(bindir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(self._config(bindir))

    def _config(self, bindir: Path) -> str:
        lines = [
            "# added by metasync (embedded default)",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.data_dir}'",
            "max_connections = 200",
            "shared_buffers = 256MB",
            "fsync = on",
        ]
        if has_pg_cron(bindir):
            lines += [
                "shared_preload_libraries = 'pg_cron'",
                f"cron.database_name = '{self.database}'",
            ]
        return "\n".join(lines) + "\n"

    def _start(self, bindir: Path) -> None:
        self.log_file.touch(exist_ok=True)
        self._hand_over(self.log_file)
        result = self._run(
            [
                str(bindir / "pg_ctl"),
                "start",
                "-D",
                str(self.data_dir),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.log_file),
                "-o",
                f"-p {self.port}",
            ],
            check=False,
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"could not start the embedded PostgreSQL in {self.data_dir} on port {self.port}:"
                f" {result.stderr.strip() or result.stdout.strip()} (log: {self.log_file})"
            )

    def _ensure_database(self) -> None:
        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            if not databases.database_exists(conn, self.database):
                databases.create_database(conn, self.database)

    # --- running as an unprivileged user --------------------------------------------------
    def _hand_over(self, path: Path) -> None:
        user = service_user()
        if user is not None:
            shutil.chown(path, user.pw_name, user.pw_gid)
            _make_traversable(path.parent)

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        tool = Path(argv[0]).name
        user = service_user()
        if user is not None:
            argv = ["runuser", "-u", user.pw_name, "--", *argv]
        result = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
        if check and result.returncode != 0:
            raise EmbeddedPostgresError(f"{tool} failed: {result.stderr.strip()}")
        return result


def service_user() -> pwd.struct_passwd | None:
    """The user that runs the cluster when we are root (None when we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in _SERVICE_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "metasync"],
        check=True,
    )
    return pwd.getpwnam("metasync")


def _make_traversable(home: Path) -> None:
    """Let the service user reach its files: search permission on metasync's own home, and a
    clear error when an ancestor we do not own (such as /root) is closed to it."""
    mode = home.stat().st_mode
    if not mode & 0o001:
        home.chmod(mode | 0o001)
    for ancestor in home.parents:
        if not ancestor.stat().st_mode & 0o001:
            raise EmbeddedPostgresError(
                f"{ancestor} is closed to the database service user, so the embedded cluster"
                f" under {home} cannot run there: set METASYNC_HOME to a directory outside it"
                " (the default for root is /var/lib/metasync)."
            )


def find_bindir() -> Path:
    """The newest installed PostgreSQL (>= 15) server binaries."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates and int(candidates[-1].parent.parent.name) >= 15:
        return candidates[-1].parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    raise EmbeddedPostgresError(
        "PostgreSQL 15+ server binaries not found: install postgresql-15 (see scripts/bootstrap)"
        " or set DATABASE_URL to use an existing database."
    )


def has_pg_cron(bindir: Path) -> bool:
    libdir = subprocess.run(
        [str(bindir / "pg_config"), "--pkglibdir"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not libdir:
        libdir = str(bindir.parent / "lib")
    return (Path(libdir) / "pg_cron.so").exists()
