"""Cluster-level statements (synchronous): whole databases and cluster-wide advisory locks, run
on a maintenance connection in autocommit mode (the embedded cluster's database, ``metasync
demo``'s fresh one)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

SyncConn = psycopg.Connection[Any]


def try_advisory_lock(conn: SyncConn, key: int) -> bool:
    """Take the session-level advisory lock ``key`` if free; whether it was taken."""
    row = conn.execute("select pg_try_advisory_lock(%s)", (key,)).fetchone()
    return bool(row and row[0])


def database_exists(conn: SyncConn, name: str) -> bool:
    row = conn.execute("select exists (select 1 from pg_database where datname = %s)", (name,))
    found = row.fetchone()
    return bool(found and found[0])


def create_database(conn: SyncConn, name: str) -> None:
    conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def recreate_database(conn: SyncConn, name: str) -> None:
    """Drop ``name`` (ending its sessions, and no other's) and create it empty."""
    ident = sql.Identifier(name)
    conn.execute(sql.SQL("drop database if exists {} with (force)").format(ident))
    conn.execute(sql.SQL("create database {}").format(ident))
