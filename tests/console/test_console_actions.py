"""Actions call the SQL functions; refusals carry the SQL's own message, next to the field."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import psycopg

from tests.console.console_helpers import ADMIN_A, MEMBER_A, OPERATOR_TOKEN, sign_in, user_jwt

JSON = {"Accept": "application/json"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def one(conn: psycopg.Connection, sql: str, *args: object) -> object:
    row = conn.execute(sql, args).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return row[0]


async def test_an_admin_changes_a_tier_and_the_status_view_agrees(
    client: httpx.AsyncClient, conn: psycopg.Connection
) -> None:
    response = await client.post(
        "/console/accounts/act_1002/tier",
        data={"tier": "high"},
        headers=bearer(user_jwt(ADMIN_A)) | JSON,
    )
    assert response.status_code == 200 and response.json()["ok"]
    assert (
        one(
            conn,
            "select tier::text from meta_sync.meta_sync_status where account_id = %s",
            "act_1002",
        )
        == "high"
    )


async def test_a_member_is_refused_with_the_sql_message(
    client: httpx.AsyncClient, conn: psycopg.Connection
) -> None:
    headers = bearer(user_jwt(MEMBER_A))
    tier = await client.post(
        "/console/accounts/act_1002/tier", data={"tier": "low"}, headers=headers
    )
    assert tier.status_code == 403
    assert "only owners and admins of the organization may change the tier of act_1002" in tier.text
    pause = await client.post("/console/accounts/act_1002/pause", headers=headers | JSON)
    assert pause.status_code == 403 and "only owners and admins" in pause.json()["error"]
    assert (
        one(
            conn,
            "select meta_sync_priority::text || paused::text from meta_sync"
            ".meta_ad_accounts where id = 'act_1002'",
        )
        == "mediumfalse"
    )


async def test_a_bad_tier_is_refused_with_the_sql_message(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/console/accounts/act_1002/tier", data={"tier": "urgent"}, headers=bearer(OPERATOR_TOKEN)
    )
    assert response.status_code == 422
    assert 'unknown tier "urgent": valid tiers are high, medium, low' in html.unescape(
        response.text
    )


async def test_a_future_until_is_refused_next_to_the_field(
    client: httpx.AsyncClient, conn: psycopg.Connection
) -> None:
    csrf = await sign_in(client, OPERATOR_TOKEN)
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin")).date()
    future = today + timedelta(days=3)
    response = await client.post(
        "/console/accounts/act_1001/manual",
        data={"csrf": csrf, "since": str(today - timedelta(days=5)), "until": str(future)},
    )
    assert response.status_code == 422
    expected = f"until {future} is in the future: today is {today} in the account time zone"
    assert f'id="manual-until-error" role="alert">{expected}' in response.text
    assert f'value="{future}"' in response.text  # the form keeps what was typed
    assert one(conn, "select count(*) from meta_sync.sync_jobs where sync_phase = 'manual'") == 0
    ok = await client.post(
        "/console/accounts/act_1001/manual",
        data={"csrf": csrf, "since": str(today - timedelta(days=5)), "until": str(today)},
    )
    assert ok.status_code == 303 and "manual+sync+job" in ok.headers["location"]
    assert one(conn, "select count(*) from meta_sync.sync_jobs where sync_phase = 'manual'") == 1


async def test_a_malformed_date_is_refused_next_to_its_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/console/accounts/act_1001/manual",
        data={"since": "yesterday", "until": "2026-01-01"},
        headers=bearer(OPERATOR_TOKEN),
    )
    assert response.status_code == 422
    assert 'id="manual-since-error" role="alert">since &#39;yesterday&#39; is not a date' in (
        response.text
    )


async def test_pause_resume_and_sync_now(
    client: httpx.AsyncClient, conn: psycopg.Connection
) -> None:
    headers = bearer(user_jwt(ADMIN_A)) | JSON
    assert (await client.post("/console/accounts/act_1003/pause", headers=headers)).json()["ok"]
    assert one(conn, "select paused from meta_sync.meta_sync_status where account_id = 'act_1003'")
    page = await client.get("/console?state=paused", headers=bearer(OPERATOR_TOKEN))
    assert 'data-account="act_1003"' in page.text and "1 account" in page.text
    assert (await client.post("/console/accounts/act_1003/resume", headers=headers)).json()["ok"]
    assert not one(conn, "select paused from meta_sync.meta_ad_accounts where id = 'act_1003'")
    synced = await client.post("/console/accounts/act_1003/sync", headers=headers)
    assert synced.status_code == 200 and "enqueued" in synced.json()["notice"]
    again = await client.post("/console/accounts/act_1003/sync", headers=headers)
    assert again.json()["notice"] == "a sync of this account is already open"


async def test_cancel_and_retry_a_job(
    client: httpx.AsyncClient, conn: psycopg.Connection, world: dict[str, int]
) -> None:
    job = world["act_1001"]
    headers = bearer(user_jwt(ADMIN_A)) | JSON
    retry = await client.post(f"/console/jobs/{job}/retry", headers=headers)
    assert retry.json()["notice"] == "no failed chunk to retry"
    cancel = await client.post(
        f"/console/jobs/{job}/cancel", data={"reason": "wrong account"}, headers=headers
    )
    assert cancel.status_code == 200 and cancel.json()["ok"]
    assert (
        one(
            conn,
            "select status::text || ':' || last_error from meta_sync.sync_jobs where id = %s",
            job,
        )
        == "cancelled:wrong account"
    )
    twice = await client.post(f"/console/jobs/{job}/cancel", headers=headers)
    assert twice.status_code == 409 and twice.json()["error"] == f"job {job} is already cancelled"
    member = await client.post(
        f"/console/jobs/{world['act_1002']}/cancel", headers=bearer(user_jwt(MEMBER_A)) | JSON
    )
    assert member.status_code == 403


async def test_only_the_operator_runs_the_scheduler(
    client: httpx.AsyncClient, conn: psycopg.Connection
) -> None:
    refused = await client.post("/console/scheduler", headers=bearer(user_jwt(ADMIN_A)) | JSON)
    assert refused.status_code == 403
    conn.execute(
        "update meta_sync.meta_ad_accounts set phase_1_completed_at = now(),"
        " next_sync_at = now() - interval '1 minute' where id = 'act_2002'"
    )
    done = await client.post("/console/scheduler", headers=bearer(OPERATOR_TOKEN) | JSON)
    assert done.status_code == 200 and done.json()["notice"].startswith("scheduler ran: ")
    assert int(done.json()["notice"].split()[2]) >= 1
