"""Fixtures of the queue tests: accounts, a job and its chunks, created with plain SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
import pytest

T0 = datetime(2030, 2, 1, tzinfo=UTC)

SEED = """
with org as (
  insert into meta_sync.organizations (name) values ('queue test') returning id
), connection as (
  insert into meta_sync.meta_connections (organization_id, token_ciphertext, token_key_id)
  select id, '\\x00', 'k1' from org returning id, organization_id
), accounts as (
  insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id)
  select 'act_' || (700000 + a), c.organization_id, c.id
  from connection c, generate_series(1, %(accounts)s) a
  returning id, organization_id
), jobs as (
  insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type,
                                   date_since, date_until, total_chunks, created_at)
  select id, organization_id, 'manual', 'manual', '2030-01-01', '2030-01-31',
         %(chunks)s / %(accounts)s, %(t0)s
  from accounts
  returning id, account_id
)
insert into meta_sync.sync_job_chunks (job_id, account_id, chunk_type, date_since, date_until,
                                       chunk_order, run_after)
select j.id, j.account_id, 'insights',
       '2030-01-01'::date + (n %% 31), '2030-01-01'::date + (n %% 31), n, %(t0)s
from jobs j, generate_series(1, %(chunks)s / %(accounts)s) n
"""


@pytest.fixture
def seed_chunks(conn: psycopg.Connection) -> Callable[..., list[int]]:
    """Creates ``accounts`` accounts with one manual job each, ``chunks`` pending chunks in all
    (due at T0); returns the chunk ids."""

    def seed(chunks: int = 10, accounts: int = 1) -> list[int]:
        conn.execute(SEED, {"chunks": chunks, "accounts": accounts, "t0": T0})
        rows = conn.execute("select id from meta_sync.sync_job_chunks order by id").fetchall()
        return [row[0] for row in rows]

    return seed
