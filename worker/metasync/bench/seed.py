"""Seed a benchmark database with plain SQL (generate_series): accounts, jobs, chunks."""

from __future__ import annotations

from datetime import datetime

import psycopg

ORG = "00000000-0000-0000-00be-000000000001"

_ORG = "insert into meta_sync.organizations (id, name) values (%(org)s, 'bench')"
_CONNECTION = """
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
values (%(org)s, %(org)s, '\\x00', 'bench')
"""
# Tiers 10 / 30 / 60 percent high / medium / low; onboarded; last synced 0-8 hours ago, so a
# good part is due.
_ACCOUNTS = """
insert into meta_sync.meta_ad_accounts
  (id, organization_id, connection_id, timezone_name, meta_sync_priority,
   phase_1_completed_at, phase_2_completed_at, last_meta_sync_at, last_settle_at, next_sync_at)
select s.*, meta_sync.compute_next_sync_at(s.tier, s.last_sync, s.phase_1, null)
from (
select 'act_' || (10000000 + a), %(org)s::uuid, %(org)s::uuid,
       (array['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Tokyo'])[1 + a %% 4],
       (case when a %% 10 = 0 then 'high' when a %% 10 < 4 then 'medium' else 'low' end)
         ::meta_sync.sync_tier as tier,
       %(now)s - interval '30 days' as phase_1, %(now)s - interval '29 days',
       %(now)s - make_interval(mins => ((a::bigint * 7919) %% 480)::integer) as last_sync, %(now)s
from generate_series(1, %(accounts)s) as a
) as s
"""

_CHUNKS = """
with jobs as (
  insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type,
                                   date_since, date_until, total_chunks, created_at)
  select a.id, a.organization_id, 'manual', 'manual', '2024-01-01', '2024-12-31',
         %(per_job)s, %(now)s
  from meta_sync.meta_ad_accounts as a
  order by a.id
  limit %(jobs)s
  returning id, account_id
)
insert into meta_sync.sync_job_chunks (job_id, account_id, chunk_type, date_since, date_until,
                                       chunk_order, priority, run_after, created_at)
select j.id, j.account_id, 'insights', '2024-01-01'::date + n, '2024-01-01'::date + n, n,
       20, %(now)s, %(now)s
from jobs as j, generate_series(1, %(per_job)s) as n
"""
# Chunk ids (the claim's last tie-breaker) round-robin over the jobs, or job after job as
# create_sync_job writes them (concurrent claimers then take the halves of one job at once).
_ORDER = {False: "order by n, j.id", True: "order by j.id, n"}

_RESET_CHUNKS = """
update meta_sync.sync_job_chunks
set status = 'pending', locked_by = null, locked_until = null, lease_token = null,
    claimed_count = 0, started_at = null
where status <> 'pending'
"""
_RESET_JOBS = """
update meta_sync.sync_jobs
set status = 'pending', started_at = null, updated_at = created_at
where status <> 'pending'
"""


def seed_accounts(conn: psycopg.Connection, accounts: int, now: datetime) -> None:
    """``accounts`` onboarded ad accounts of one organization and one active connection.

    The row triggers (time zone check, next due time) are skipped (``session_replication_role =
    replica``, superuser only: the embedded cluster) and next_sync_at is computed by the same
    function the trigger uses; row by row the time zone check alone takes minutes for 100 000.
    """
    with conn.transaction():
        conn.execute("set local session_replication_role = replica")
        for statement in (_ORG, _CONNECTION, _ACCOUNTS):
            conn.execute(statement, {"org": ORG, "accounts": accounts, "now": now})
    conn.execute("vacuum analyze meta_sync.meta_ad_accounts")


def seed_chunks(
    conn: psycopg.Connection, chunks: int, per_job: int, now: datetime, by_job: bool = False
) -> None:
    """``chunks`` pending insights chunks, ``per_job`` per manual job, one job per account.

    Ids go round-robin over the jobs (chunk 1 of every job, then chunk 2 ...), or with
    ``by_job`` job after job.
    """
    params = {"jobs": max(chunks // per_job, 1), "per_job": per_job, "now": now}
    with conn.transaction():
        conn.execute(_CHUNKS + _ORDER[by_job], params)
    conn.execute("vacuum analyze meta_sync.sync_job_chunks")
    conn.execute("vacuum analyze meta_sync.sync_jobs")


def reset_chunks(conn: psycopg.Connection) -> None:
    """Every chunk and every job pending again (between claim rounds): each round starts the
    jobs as its claims reach them, as the first round does."""
    conn.execute(_RESET_CHUNKS)
    conn.execute(_RESET_JOBS)
    conn.execute("vacuum analyze meta_sync.sync_job_chunks")
    conn.execute("vacuum analyze meta_sync.sync_jobs")
