"""Organisations and ad accounts from Python: one async function per SQL function or query.

The tenancy rails live in SQL (``sql/04xx``): ``connect_ad_account`` refuses an account of
another organisation (42501, :class:`~metasync.db.errors.NotAllowedError`), ``move_ad_account``
and ``remove_ad_account`` record who did what in ``ad_account_audit``; organisation names are
matched case-insensitively (``ensure_organization``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from metasync.db._query import Conn, rows, scalar

_NOW = "coalesce(%(now)s::timestamptz, now())"


@dataclass(frozen=True)
class ConnectedAccount:
    """What ``connect_ad_account`` did: created or refreshed; phase 1 enqueued, open or done."""

    account_id: str
    created: bool
    onboarding_job_id: int
    onboarding: str  # enqueued | open | completed

    @property
    def enqueued(self) -> bool:
        return self.onboarding == "enqueued"


async def ensure_organization(conn: Conn, name: str, now: datetime | None = None) -> UUID:
    """The organisation of this name (any case) or id; a new name creates it."""
    sql = f"select meta_sync.ensure_organization(%(name)s, {_NOW})"
    return UUID(str(await scalar(conn, sql, {"name": name, "now": now})))


async def connect_ad_account(
    conn: Conn,
    account_id: str,
    organization_id: UUID,
    *,
    connection_id: UUID | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> ConnectedAccount:
    """Register (or refresh) an account of ``organization_id`` and start its phase 1.

    ``fields``: name, currency, timezone_name, created_time, account_status, tier (None keeps
    the stored value)."""
    names = ("name", "currency", "timezone_name", "created_time", "account_status", "tier")
    unknown = set(fields) - set(names)
    if unknown:
        raise TypeError(f"unknown account fields: {sorted(unknown)}")
    args = ", ".join(f"p_{n} => %({n})s" for n in names)
    sql = (
        "select * from meta_sync.connect_ad_account(p_account_id => %(id)s,"
        f" p_organization_id => %(org)s, p_connection_id => %(conn)s, {args}, p_now => {_NOW})"
    )
    params = {n: fields.get(n) for n in names}
    found = await rows(conn, sql, {**params, "id": account_id, "org": organization_id,
                                   "conn": connection_id, "now": now})  # fmt: skip
    row = found[0]
    return ConnectedAccount(str(row["account_id"]), bool(row["created"]),
                            int(row["onboarding_job_id"]), str(row["onboarding"]))  # fmt: skip


async def move_ad_account(
    conn: Conn, account_id: str, organization_id: UUID, actor: str,
    reason: str | None = None, now: datetime | None = None,
) -> int:  # fmt: skip
    """Move the account (and its jobs) to another organisation; the audit row's id."""
    sql = f"select meta_sync.move_ad_account(%(id)s, %(org)s, %(actor)s, %(reason)s, {_NOW})"
    args = {"id": account_id, "org": organization_id, "actor": actor, "reason": reason, "now": now}
    return int(await scalar(conn, sql, args))


async def remove_ad_account(
    conn: Conn, account_id: str, actor: str, reason: str | None = None, now: datetime | None = None
) -> int:
    """Delete the account with everything synced for it; the audit row's id."""
    sql = f"select meta_sync.remove_ad_account(%(id)s, %(actor)s, %(reason)s, {_NOW})"
    return int(await scalar(conn, sql, {"id": account_id, "actor": actor, "reason": reason,
                                        "now": now}))  # fmt: skip


async def set_account_paused(
    conn: Conn, account_id: str, paused: bool, now: datetime | None = None
) -> bool:
    """Pause or resume one account; whether it was paused before."""
    sql = f"select meta_sync.set_account_paused(%(id)s, %(paused)s, {_NOW})"
    return bool(await scalar(conn, sql, {"id": account_id, "paused": paused, "now": now}))


ACCOUNTS_SQL = """
select s.account_id, s.organization_name, s.account_name, s.tier::text, s.paused,
       s.connection_status::text, s.last_meta_sync_at, s.next_sync_at,
       s.phase_1_completed_at, s.phase_2_completed_at, s.waiting_reason
from meta_sync.meta_sync_status s
where %(org)s::text is null or s.organization_id::text = %(org)s
   or lower(btrim(s.organization_name)) = lower(btrim(%(org)s))
order by s.organization_name, s.account_id
"""


async def list_accounts(conn: Conn, org: str | None = None) -> list[dict[str, Any]]:
    return await rows(conn, ACCOUNTS_SQL, {"org": org})


async def show_account(conn: Conn, account_id: str) -> dict[str, Any] | None:
    """Every column of ``meta_sync_status`` for one account, with its audit trail."""
    found = await rows(
        conn,
        "select * from meta_sync.meta_sync_status where account_id = %(id)s",
        {"id": account_id},
    )
    if not found:
        return None
    audit = await rows(
        conn,
        "select action, from_organization, to_organization, jobs, actor, reason, at"
        " from meta_sync.ad_account_audit where account_id = %(id)s order by at, id",
        {"id": account_id},
    )
    return {**found[0], "audit": audit}


ORGS_SQL = """
select o.id, o.name, o.created_at,
       (select count(*) from meta_sync.meta_ad_accounts a
        where a.organization_id = o.id) as accounts,
       (select count(*) from meta_sync.meta_connections c
        where c.organization_id = o.id and c.status = 'active') as active_connections,
       (select count(*) from meta_sync.organization_members m
        where m.organization_id = o.id) as members
from meta_sync.organizations o
order by lower(o.name)
"""


async def list_organizations(conn: Conn) -> list[dict[str, Any]]:
    return await rows(conn, ORGS_SQL)


async def find_organization(conn: Conn, name_or_id: str) -> tuple[UUID, str] | None:
    """The organisation with this id, or this name in any case; never creates one."""
    found = await rows(
        conn,
        "select id, name from meta_sync.organizations"
        " where id::text = lower(btrim(%(org)s)) or lower(btrim(name)) = lower(btrim(%(org)s))",
        {"org": name_or_id},
    )
    return (UUID(str(found[0]["id"])), str(found[0]["name"])) if found else None


async def organizations_named(conn: Conn, name: str) -> frozenset[UUID]:
    """The organisation of this name in any case (at most one: names are unique)."""
    found = await rows(
        conn,
        "select id from meta_sync.organizations where lower(btrim(name)) = lower(btrim(%(n)s))",
        {"n": name},
    )
    return frozenset(UUID(str(r["id"])) for r in found)
