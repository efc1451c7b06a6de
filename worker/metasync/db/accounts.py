"""Organisations and ad accounts from Python: ``meta_sync.organizations``,
``meta_sync.meta_ad_accounts``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from metasync.db._run import Conn, column, execute, scalar


@dataclass(frozen=True)
class AccountRow:
    """An ad account as Meta describes it (``upsert_ad_account``, ``insert_ad_account``)."""

    account_id: str
    name: str | None
    currency: str | None
    timezone_name: str
    created_time: datetime | None
    account_status: int | None = None


async def organization_named(conn: Conn, name: str) -> UUID | None:
    """The oldest organisation called ``name``."""
    value = await scalar(
        conn,
        "select id from meta_sync.organizations where name = %s order by created_at limit 1",
        (name,),
    )
    return None if value is None else UUID(str(value))


async def organizations_named(conn: Conn, name: str) -> frozenset[UUID]:
    ids = await column(conn, "select id from meta_sync.organizations where name = %s", (name,))
    return frozenset(UUID(str(i)) for i in ids)


async def organization_exists(conn: Conn, organization_id: UUID) -> bool:
    value = await scalar(
        conn, "select id from meta_sync.organizations where id = %s", (organization_id,)
    )
    return value is not None


async def create_organization(conn: Conn, name: str) -> UUID:
    value = await scalar(
        conn, "insert into meta_sync.organizations (name) values (%s) returning id", (name,)
    )
    return UUID(str(value))


async def ensure_organization(conn: Conn, name: str) -> UUID:
    """The organisation called ``name`` (the oldest if several), created when missing."""
    return await organization_named(conn, name) or await create_organization(conn, name)


async def upsert_ad_account(
    conn: Conn,
    account: AccountRow,
    *,
    organization_id: UUID,
    connection_id: UUID,
    tier: str | None,
) -> None:
    """Insert or refresh an account from Meta's description; ``tier`` None keeps the stored
    tier (``medium`` for a new account)."""
    await execute(
        conn,
        """
        insert into meta_sync.meta_ad_accounts as a
          (id, organization_id, connection_id, name, currency, timezone_name, created_time,
           account_status, meta_sync_priority)
        values (%(id)s, %(org)s, %(conn)s, %(name)s, %(currency)s, %(tz)s, %(created)s,
                %(status)s, coalesce(%(tier)s, 'medium')::meta_sync.sync_tier)
        on conflict (id) do update set
          organization_id = excluded.organization_id, connection_id = excluded.connection_id,
          name = excluded.name, currency = excluded.currency,
          timezone_name = excluded.timezone_name, created_time = excluded.created_time,
          account_status = excluded.account_status,
          meta_sync_priority = coalesce(%(tier)s::meta_sync.sync_tier, a.meta_sync_priority),
          updated_at = now()
        """,
        _values(account) | {"org": organization_id, "conn": connection_id, "tier": tier},
    )


async def insert_ad_account(
    conn: Conn, account: AccountRow, *, organization_id: UUID, tier: str
) -> None:
    """A new account (a duplicate id is refused), under the organisation's oldest active
    connection."""
    await execute(
        conn,
        """
        insert into meta_sync.meta_ad_accounts
          (id, organization_id, connection_id, name, currency, timezone_name, created_time,
           meta_sync_priority)
        values (%(id)s, %(org)s,
                (select c.id from meta_sync.meta_connections c
                 where c.organization_id = %(org)s and c.status = 'active'
                 order by c.created_at limit 1),
                %(name)s, %(currency)s, %(tz)s, %(created)s, %(tier)s::meta_sync.sync_tier)
        """,
        _values(account) | {"org": organization_id, "tier": tier},
    )


def _values(account: AccountRow) -> dict[str, object]:
    return {
        "id": account.account_id, "name": account.name, "currency": account.currency,
        "tz": account.timezone_name, "created": account.created_time,
        "status": account.account_status,
    }  # fmt: skip
