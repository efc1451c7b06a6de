"""The accounts list: due first like meta_sync_status, filters, search, keyset pages."""

from __future__ import annotations

import re

import httpx
import psycopg

from tests.console.console_helpers import MEMBER_A, OPERATOR_TOKEN, ORG_A, user_jwt

OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


def listed(html: str) -> list[str]:
    return re.findall(r'<tr data-account="(act_\d+)"', html)


def seed_more(conn: psycopg.Connection) -> None:
    """18 more accounts of organisation A: due, not due, paused, never onboarded, errors."""
    conn.execute(
        """insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, name,
             meta_sync_priority, paused, phase_1_completed_at, sync_error_count, next_sync_at)
           select 'act_' || (5000 + i), %(org)s, %(org)s, 'Shop ' || i,
                  (array['high', 'medium', 'low'])[1 + i %% 3]::meta_sync.sync_tier,
                  i %% 7 = 0, now() - interval '1 day', (i %% 5 = 0)::int * 3,
                  now() + make_interval(mins => (i * 37) %% 300 - 150)
           from generate_series(1, 18) as i""",
        {"org": ORG_A},
    )
    # the trigger computes next_sync_at from the tier; put the mixed due times back
    conn.execute(
        """update meta_sync.meta_ad_accounts
           set next_sync_at = now() + make_interval(mins => (substr(id, 5)::int * 37) % 300 - 150)
           where id like 'act_50%'"""
    )


async def all_pages(client: httpx.AsyncClient, query: str, headers: dict[str, str]) -> list[str]:
    seen: list[str] = []
    url = f"/console?{query}"
    for _ in range(20):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200
        seen += listed(response.text)
        found = re.search(r'<a href="(/console\?[^"]*)" rel="next">', response.text)
        if found is None:
            return seen
        url = found.group(1).replace("&amp;", "&")
    raise AssertionError("more than 20 pages")


async def test_pages_walk_every_account_in_status_view_order(
    client: httpx.AsyncClient, conn: psycopg.Connection
) -> None:
    seed_more(conn)
    want = [
        r[0]
        for r in conn.execute(
            "select account_id from meta_sync.meta_sync_status"
            " order by is_due desc, next_sync_at nulls last, account_id"
        ).fetchall()
    ]
    got = await all_pages(client, "", OPERATOR)
    assert got == want and len(got) == 23
    first = await client.get("/console", headers=OPERATOR)
    assert "23 accounts" in first.text and 'rel="first"' not in first.text


async def test_filters_and_search(client: httpx.AsyncClient, conn: psycopg.Connection) -> None:
    seed_more(conn)
    high = await all_pages(client, "tier=high", OPERATOR)
    assert set(high) == {
        r[0]
        for r in conn.execute(
            "select id from meta_sync.meta_ad_accounts where meta_sync_priority = 'high'"
        )
    }
    paused = await all_pages(client, "state=paused", OPERATOR)
    assert set(paused) == {"act_5007", "act_5014"}
    assert await all_pages(client, "q=shop+14", OPERATOR) == ["act_5014"]
    assert await all_pages(client, "q=act_100", OPERATOR) == sorted(
        ["act_1001", "act_1002", "act_1003"], key=(await all_pages(client, "", OPERATOR)).index
    )
    by_org = await all_pages(client, f"org={ORG_A}", OPERATOR)
    assert len(by_org) == 21
    member = await all_pages(client, "q=act_200", {"Authorization": f"Bearer {user_jwt(MEMBER_A)}"})
    assert member == []  # B's accounts are not found by a member of A


async def test_bad_filters_are_refused_clearly(client: httpx.AsyncClient) -> None:
    for query, message in (
        ("tier=urgent", "unknown tier"),
        ("state=sleepy", "unknown state"),
        ("org=nope", "unknown organisation id"),
        ("after=garbage", "the page link is not valid"),
    ):
        response = await client.get(f"/console?{query}", headers=OPERATOR)
        assert response.status_code == 400 and message in response.text, query
