"""A small two-organisation world for the console tests, JWTs and sign-in helpers."""

from __future__ import annotations

import re
import time
from typing import Any
from uuid import UUID, uuid4

import httpx
import jwt
import psycopg

OPERATOR_TOKEN = "operator-token-for-tests-0123456789"
JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
ORG_A = UUID("0000000a-0000-0000-0000-00000000000a")
ORG_B = UUID("0000000b-0000-0000-0000-00000000000b")
ADMIN_A = UUID("a0000000-0000-0000-0000-0000000000ad")
MEMBER_A = UUID("a0000000-0000-0000-0000-00000000000e")
ADMIN_B = UUID("b0000000-0000-0000-0000-0000000000ad")
ACCOUNTS_A = ["act_1001", "act_1002", "act_1003"]
ACCOUNTS_B = ["act_2001", "act_2002"]


def user_jwt(
    user: UUID,
    *,
    secret: str = JWT_SECRET,
    expires_in: int = 3600,
    role: str = "authenticated",
    **claims: Any,
) -> str:
    now = int(time.time())
    payload = {
        "sub": str(user),
        "role": role,
        "aud": "authenticated",
        "iat": now,
        "exp": now + expires_in,
        "email": f"{str(user)[:4]}@example.test",
    } | claims
    return jwt.encode(payload, secret, algorithm="HS256")


def seed_world(conn: psycopg.Connection) -> dict[str, int]:
    """Two organisations with accounts, members and one open phase-1 job per account."""
    for org, name in ((ORG_A, "Agency A"), (ORG_B, "Brand B")):
        conn.execute("insert into meta_sync.organizations (id, name) values (%s, %s)", (org, name))
        conn.execute(
            "insert into meta_sync.meta_connections (id, organization_id, token_ciphertext,"
            " token_key_id) values (%s, %s, '\\x00', 'k1')",
            (org, org),
        )
    for org, user, role in (
        (ORG_A, ADMIN_A, "admin"),
        (ORG_A, MEMBER_A, "member"),
        (ORG_B, ADMIN_B, "owner"),
    ):
        conn.execute(
            "insert into meta_sync.organization_members (organization_id, user_id, role)"
            " values (%s, %s, %s)",
            (org, user, role),
        )
    jobs: dict[str, int] = {}
    for org, ids in ((ORG_A, ACCOUNTS_A), (ORG_B, ACCOUNTS_B)):
        for i, account in enumerate(ids):
            conn.execute(
                "insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id,"
                " name, timezone_name) values (%s, %s, %s, %s, 'Europe/Berlin')",
                (account, org, org, f"Account {account[-4:]}" if i else None),
            )
            row = conn.execute(
                "select meta_sync.start_account_onboarding(%s)", (account,)
            ).fetchone()
            assert row is not None
            jobs[account] = int(row[0])
    return jobs


async def sign_in(client: httpx.AsyncClient, token: str) -> str:
    """Sign in through the login form; the CSRF token of the session (read from a page)."""
    response = await client.post("/console/login", data={"token": token, "next": "/console"})
    assert response.status_code == 303, response.text
    return csrf_of((await client.get("/console")).text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]*)"', html)
    assert found is not None
    return found.group(1)


def random_id() -> str:
    return f"act_{uuid4().int % 10**12}"
