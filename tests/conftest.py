"""Shared fixtures: one real PostgreSQL cluster per test session, migrated once.

The cluster is metasync's own embedded cluster (the same code users run), in a fresh temporary
directory on a free port, so parallel test sessions never meet. The migrations are applied once
to a template database; each test that wants a database gets a fresh copy of it
(``CREATE DATABASE ... TEMPLATE``), which takes milliseconds. The ``metasync`` database itself is
migrated too and carries pg_cron (preloaded) and pgTAP: the pgTAP suite runs there.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from metasync import schema
from metasync.postgres.embedded import EmbeddedPostgres
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


@pytest.fixture(scope="session")
def template_database(pg_cluster: EmbeddedPostgres) -> str:
    """A migrated database that every per-test database is cloned from."""
    with psycopg.connect(pg_cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute(f"create database {TEMPLATE}")
    migrate(pg_cluster.url_for(TEMPLATE))
    return TEMPLATE


@pytest.fixture(scope="session")
def cron_database_url(pg_cluster: EmbeddedPostgres) -> str:
    """The cluster's ``metasync`` database (pg_cron's database), migrated, with pgTAP."""
    migrate(pg_cluster.url)
    with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
        conn.execute("create extension if not exists pgtap")
    return pg_cluster.url


@pytest.fixture(scope="session")
def realtime_database_url() -> Iterator[str]:
    """A cluster of its own whose pg_cron database has Supabase Realtime's schema (and
    Supabase's roles) before the migrations run, as on a Supabase project; with pgTAP."""
    from supabase_realtime import REALTIME_TENANT_SQL

    with throwaway_cluster("metasync-realtime-") as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute(schema.compat_sql())
            conn.execute(REALTIME_TENANT_SQL)
        migrate(cluster.url)
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("create extension if not exists pgtap")
        yield cluster.url


@pytest.fixture
def database_url(pg_cluster: EmbeddedPostgres, template_database: str) -> Iterator[str]:
    """A fresh, fully migrated database for one test."""
    name = f"test_{next(_counter)}"
    admin_url = pg_cluster.url_for("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"create database {name} template {template_database}")
    yield pg_cluster.url_for(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


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
