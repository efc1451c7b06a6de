"""GET /metrics: Prometheus text read from the database at scrape time."""

from __future__ import annotations

import json
from typing import Any

import httpx
import psycopg
from prometheus_client.parser import text_string_to_metric_families

from tests.support.server_helpers import seed_account

AConn = psycopg.AsyncConnection[Any]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_expose_queue_workers_calls_and_throttles(
    client: httpx.AsyncClient, aconn: AConn
) -> None:
    org = await seed_account(aconn)
    await aconn.execute(
        "with c as (insert into meta_sync.meta_connections"
        "  (organization_id, token_ciphertext, token_key_id) values (%s, '\\x00', 'k1')"
        "  returning id)"
        " update meta_sync.meta_ad_accounts set connection_id = (select id from c)",
        (org,),
    )
    await aconn.execute(
        "select meta_sync.create_sync_job('act_111', 'manual', 'manual', current_date - 3,"
        " current_date - 2, 2, true)"
    )
    await aconn.execute("select meta_sync.register_sync_worker('h:7:bb', 'h', 7, 4)")
    await aconn.execute("select count(*) from meta_sync.claim_sync_chunks('h:7:bb', 1)")
    counters = {"graph_calls": {"insights|ok": 12, "insights|17": 1}, "chunks": {"completed": 3},
                "rows_written": 480}  # fmt: skip
    await aconn.execute(
        "select meta_sync.beat_sync_worker('h:7:bb', 1, %s::jsonb)", (json.dumps(counters),)
    )
    await aconn.execute(
        "select meta_sync.record_rate_limit_state('app', 'app', '', 97, null, null, null,"
        " now() + interval '10 minutes', 4)"
    )
    await aconn.execute(
        "select meta_sync.update_meta_sync_status('act_111', 'rate_limited', 'HTTP 429')"
    )

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    got = samples(response.text)
    assert got[("metasync_queue_chunks", (("phase", "manual"), ("state", "in_progress")))] == 1
    assert got[("metasync_queue_chunks", (("phase", "manual"), ("state", "ready")))] == 1
    worker = (("host", "h"), ("worker", "h:7:bb"))
    assert got[("metasync_worker_chunks_running", worker)] == 1
    assert got[("metasync_worker_chunks_leased", worker)] == 1
    assert 0 <= got[("metasync_worker_heartbeat_age_seconds", worker)] < 60
    calls = (("error", "17"), ("kind", "insights"), ("worker", "h:7:bb"))
    assert got[("metasync_graph_calls_total", calls)] == 1
    ok = (("error", "ok"), ("kind", "insights"), ("worker", "h:7:bb"))
    assert got[("metasync_graph_calls_total", ok)] == 12
    assert got[("metasync_chunks_total", (("outcome", "completed"), ("worker", "h:7:bb")))] == 3
    assert got[("metasync_rows_written_total", (("worker", "h:7:bb"),))] == 480
    app_scope = (("scope_id", "app"), ("scope_type", "app"), ("usage_type", ""))
    assert 500 < got[("metasync_throttle_blocked_seconds", app_scope)] <= 600
    assert got[("metasync_rate_limit_usage_percent", app_scope)] == 97
    assert got[("metasync_accounts_backing_off", ())] == 1


async def test_metrics_answer_503_when_the_database_is_gone(settings: Any) -> None:
    from metasync.server.app import create_app

    down = create_app(settings, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1",
                      sweep_seconds=None)  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=down), base_url="http://t") as c:
        response = await c.get("/metrics")
    await down.state.context.db.close()
    assert response.status_code == 503
