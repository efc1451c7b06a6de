"""Helpers of the endpoint tests: signed deliveries, seeded accounts, counts."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import psycopg

from metasync.server.signatures import sign_body

APP_SECRET = "test-app-secret-0123456789"
VERIFY_TOKEN = "verify-token-abcdef"
TICK_TOKEN = "tick-token-0123456789"


def signed(payload: Any, secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return body, {
        "X-Hub-Signature-256": sign_body(body, secret),
        "Content-Type": "application/json",
    }


def delivery(
    *changes: dict[str, Any], account: str = "111", time: int = 1_760_000_000
) -> dict[str, Any]:
    return {
        "object": "ad_account",
        "entry": [{"id": account, "time": time, "changes": list(changes)}],
    }


def issue(object_id: str, level: str = "AD", code: int = 1885183) -> dict[str, Any]:
    return {
        "field": "with_issues_ad_objects",
        "value": {"id": object_id, "level": level, "error_code": code,
                  "error_summary": "Ad disapproved", "error_message": "Policy"},
    }  # fmt: skip


async def seed_account(aconn: psycopg.AsyncConnection[Any], account: str = "act_111") -> UUID:
    cur = await aconn.execute(
        "insert into meta_sync.organizations (name) values ('acme') returning id"
    )
    row = await cur.fetchone()
    assert row is not None
    await aconn.execute(
        "insert into meta_sync.meta_ad_accounts (id, organization_id) values (%s, %s)",
        (account, row[0]),
    )
    for table, object_id in (("meta_campaigns", "201"), ("meta_adsets", "301"), ("meta_ads", "401"),
                             ("meta_ads", "402")):  # fmt: skip
        await aconn.execute(
            f"insert into meta_sync.{table} (id, account_id, effective_status, raw)"
            " values (%s, %s, 'ACTIVE', '{}')",
            (object_id, account),
        )
    return UUID(str(row[0]))


async def count(aconn: psycopg.AsyncConnection[Any], query: str, *args: Any) -> int:
    cur = await aconn.execute(query, args)
    row = await cur.fetchone()
    return int(row[0]) if row else 0
