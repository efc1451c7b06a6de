"""Stored webhook changes are applied once each, in isolation, with a targeted re-sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg

from metasync.server.deliveries import parse_delivery, store_changes
from metasync.server.processing import process_pending_webhook_events
from tests.support.server_helpers import count, delivery, issue, seed_account, signed

AConn = psycopg.AsyncConnection[Any]


async def events(aconn: AConn) -> list[tuple[Any, ...]]:
    cur = await aconn.execute(
        "select field, value ->> 'id', status, attempts, error, sync_job_id"
        " from meta_sync.webhook_events order by id"
    )
    return await cur.fetchall()


async def entity(aconn: AConn, table: str, object_id: str) -> tuple[Any, ...]:
    cur = await aconn.execute(
        f"select effective_status, issues_info from meta_sync.{table} where id = %s", (object_id,)
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def webhook_jobs(aconn: AConn) -> list[tuple[Any, ...]]:
    cur = await aconn.execute(
        "select j.id, j.sync_type::text, j.status::text, j.total_chunks, c.chunk_type::text,"
        "       c.updated_since"
        " from meta_sync.sync_jobs j join meta_sync.sync_job_chunks c on c.job_id = j.id"
        " where j.sync_phase = 'webhook' order by c.id"
    )
    return await cur.fetchall()


async def test_issue_updates_the_object_and_requests_one_resync(
    client: httpx.AsyncClient, aconn: AConn
) -> None:
    await seed_account(aconn)
    synced = datetime(2026, 1, 5, 10, tzinfo=UTC)
    await aconn.execute(
        "insert into meta_sync.data_freshness (account_id, dataset, synced_at)"
        " values ('act_111', 'structure', %s)",
        (synced,),
    )
    value = {"id": "301", "level": "AD_SET", "status_name": "PENDING_REVIEW"}
    in_process = {"field": "in_process_ad_objects", "value": value}
    body, headers = signed(delivery(issue("401"), issue("201", level="CAMPAIGN"), in_process))
    response = await client.post("/webhooks/meta", content=body, headers=headers)
    assert response.status_code == 200
    # ASGITransport returns after the background task: the events are processed now.
    rows = await events(aconn)
    assert [r[2] for r in rows] == ["processed"] * 3
    status, issues = await entity(aconn, "meta_ads", "401")
    assert status == "WITH_ISSUES"
    assert issues == [{"level": "AD", "error_code": 1885183, "error_summary": "Ad disapproved",
                       "error_message": "Policy"}]  # fmt: skip
    assert (await entity(aconn, "meta_campaigns", "201"))[0] == "WITH_ISSUES"
    assert await entity(aconn, "meta_adsets", "301") == ("PENDING_REVIEW", None)
    assert await entity(aconn, "meta_ads", "402") == ("ACTIVE", None)  # untouched
    jobs = await webhook_jobs(aconn)
    assert len(jobs) == 1
    job_id, sync_type, job_status, total, chunk_type, updated_since = jobs[0]
    assert (sync_type, job_status, total, chunk_type, updated_since) == (
        "manual", "pending", 1, "structure", synced)  # fmt: skip
    assert {r[5] for r in rows} == {job_id}


async def test_duplicate_delivery_is_processed_once(
    client: httpx.AsyncClient, aconn: AConn
) -> None:
    await seed_account(aconn)
    body, headers = signed(delivery(issue("401")))
    first = await client.post("/webhooks/meta", content=body, headers=headers)
    await aconn.execute("update meta_sync.meta_ads set issues_info = null where id = '401'")
    second = await client.post("/webhooks/meta", content=body, headers=headers)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["new"] == 1 and second.json()["new"] == 0
    rows = await events(aconn)
    assert len(rows) == 1 and rows[0][2:4] == ("processed", 1)
    assert (await entity(aconn, "meta_ads", "401"))[1] is None  # not re-applied
    assert len(await webhook_jobs(aconn)) == 1


async def test_duplicates_inside_one_delivery_are_stored_once(
    client: httpx.AsyncClient, aconn: AConn
) -> None:
    body, headers = signed(delivery(issue("401"), issue("401")))
    response = await client.post("/webhooks/meta", content=body, headers=headers)
    assert response.json() == {"received": 2, "new": 1}
    assert await count(aconn, "select count(*) from meta_sync.webhook_events") == 1


async def test_one_poisoned_change_does_not_stop_the_others(
    client: httpx.AsyncClient, aconn: AConn
) -> None:
    await seed_account(aconn)
    poisons = [
        {"field": "with_issues_ad_objects", "value": "not an object"},
        {"field": "with_issues_ad_objects", "value": {"id": "402", "level": "GALAXY"}},
        {"field": "with_issues_ad_objects", "value": {"id": "x'; drop table", "level": "AD"}},
    ]
    body, headers = signed(delivery(issue("401"), *poisons, issue("201", level="CAMPAIGN")))
    assert (await client.post("/webhooks/meta", content=body, headers=headers)).status_code == 200
    rows = await events(aconn)
    assert [r[2] for r in rows] == ["processed", "failed", "failed", "failed", "processed"]
    assert all(r[4] for r in rows[1:4])
    assert "GALAXY" in rows[2][4]
    assert (await entity(aconn, "meta_ads", "401"))[0] == "WITH_ISSUES"
    assert (await entity(aconn, "meta_campaigns", "201"))[0] == "WITH_ISSUES"
    assert (await entity(aconn, "meta_ads", "402"))[0] == "ACTIVE"


async def test_unknown_account_and_unhandled_field_are_ignored(
    client: httpx.AsyncClient, aconn: AConn
) -> None:
    await seed_account(aconn)
    other_field = {"field": "ad_account_update", "value": {"id": "1"}}
    body, headers = signed(delivery(issue("401"), account="999"))
    await client.post("/webhooks/meta", content=body, headers=headers)
    body, headers = signed(delivery(other_field))
    await client.post("/webhooks/meta", content=body, headers=headers)
    assert [r[2] for r in await events(aconn)] == ["ignored", "ignored"]
    assert await webhook_jobs(aconn) == []


async def test_leftovers_and_expired_leases_are_picked_up(aconn: AConn) -> None:
    await seed_account(aconn)
    now = datetime(2026, 2, 1, tzinfo=UTC)
    changes = parse_delivery(delivery(issue("401"), issue("402")))
    ids = await store_changes(aconn, changes, now)
    # the second event was claimed by a pass that died: its lease has expired
    await aconn.execute(
        "update meta_sync.webhook_events set status = 'processing', attempts = 1,"
        " locked_until = %s where id = %s",
        (now - timedelta(seconds=1), ids[1]),
    )
    result = await process_pending_webhook_events(aconn, now=now)
    assert (result.processed, result.failed, result.ignored) == (2, 0, 0)
    assert [r[2:4] for r in await events(aconn)] == [("processed", 1), ("processed", 2)]
    again = await process_pending_webhook_events(aconn, now=now)
    assert again.total == 0


async def test_a_live_lease_is_not_processed_twice(aconn: AConn) -> None:
    await seed_account(aconn)
    now = datetime(2026, 2, 1, tzinfo=UTC)
    ids = await store_changes(aconn, parse_delivery(delivery(issue("401"))), now)
    await aconn.execute(
        "update meta_sync.webhook_events set status = 'processing', locked_until = %s"
        " where id = %s",
        (now + timedelta(minutes=1), ids[0]),
    )
    assert (await process_pending_webhook_events(aconn, now=now)).total == 0
