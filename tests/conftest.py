"""Shared fixtures: one real PostgreSQL cluster per test session, migrated once.

The cluster is metasync's own embedded cluster (the same code users run), in a fresh temporary
directory on a free port, so parallel test sessions never meet; it runs as the ``postgres`` user
(pytest-postgresql's own process fixture refuses to start PostgreSQL as root). The databases on
it come from pytest-postgresql's ``DatabaseJanitor``: the migrations are loaded once into a
template database, and each test that wants a database gets a fresh copy of it
(``CREATE DATABASE ... TEMPLATE``, milliseconds), dropped afterwards. The ``metasync`` database
itself is migrated too and carries pg_cron (preloaded) and pgTAP: the pgTAP suite runs there.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pytest_postgresql.janitor import DatabaseJanitor

from metasync.postgres.embedded import SUPERUSER, EmbeddedPostgres
from metasync.postgres.migrate import migrate

TEMPLATE = "metasync_template"
_counter = itertools.count()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def throwaway_cluster(prefix: str) -> Iterator[EmbeddedPostgres]:
    """A running cluster in a temporary directory on a free port, removed afterwards."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = EmbeddedPostgres(data_dir=home / "pg", port=_free_port())
    cluster.ensure_running()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[EmbeddedPostgres]:
    with throwaway_cluster("metasync-test-") as cluster:
        yield cluster


@pytest.fixture
def own_cluster() -> Iterator[EmbeddedPostgres]:
    """A cluster of the test's own, never the session's: for tests that stop and start it."""
    with throwaway_cluster("metasync-own-pg-") as cluster:
        yield cluster


@pytest.fixture
def second_own_cluster() -> Iterator[EmbeddedPostgres]:
    """Another cluster of the test's own, for tests that compare two cron databases."""
    with throwaway_cluster("metasync-own-pg-") as cluster:
        yield cluster


def janitor(cluster: EmbeddedPostgres, dbname: str, **options: Any) -> DatabaseJanitor:
    """pytest-postgresql's janitor for database ``dbname`` of ``cluster``."""
    return DatabaseJanitor(user=SUPERUSER, host="127.0.0.1", port=cluster.port, dbname=dbname,
                           **options)  # fmt: skip


def load_migrations(*, host: str, port: int, user: str, dbname: str, **_: Any) -> None:
    """The janitor's loader for the template: ``metasync db migrate``'s migrations."""
    migrate(f"postgresql://{user}@{host}:{port}/{dbname}")


@pytest.fixture(scope="session")
def template_database(pg_cluster: EmbeddedPostgres) -> Iterator[str]:
    """A migrated template database that every per-test database is cloned from."""
    with janitor(pg_cluster, TEMPLATE, as_template=True) as template:
        template.load(load_migrations)
        yield TEMPLATE


@pytest.fixture(scope="session")
def cron_database_url(pg_cluster: EmbeddedPostgres) -> str:
    """The cluster's ``metasync`` database (pg_cron's database), migrated, with pgTAP."""
    migrate(pg_cluster.url)
    with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
        conn.execute("create extension if not exists pgtap")
    return pg_cluster.url


@pytest.fixture
def database_url(pg_cluster: EmbeddedPostgres, template_database: str) -> Iterator[str]:
    """A fresh, fully migrated database for one test."""
    name = f"test_{next(_counter)}"
    with janitor(pg_cluster, name, template_dbname=template_database):
        yield pg_cluster.url_for(name)


@pytest.fixture
def empty_database_url(pg_cluster: EmbeddedPostgres) -> Iterator[str]:
    """A fresh database without any migration, for one test."""
    name = f"empty_{next(_counter)}"
    with janitor(pg_cluster, name):
        yield pg_cluster.url_for(name)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the test's database."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
async def aconn(database_url: str) -> AsyncIterator[psycopg.AsyncConnection]:
    """An async autocommit connection to the test's database."""
    connection = await psycopg.AsyncConnection.connect(database_url, autocommit=True)
    try:
        yield connection
    finally:
        await connection.close()
