"""The console's pages (server-rendered, complete without JavaScript)."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from metasync.console.auth import Viewer
from metasync.console.web import console_of, job_id_of, not_found, page, read_as, render
from metasync.db import console as q

TIERS = ("high", "medium", "low")
ACCOUNT_ID = re.compile(r"^act_[0-9]{1,20}$")
FINAL = ("completed", "completed_with_errors", "failed", "cancelled")


class BadQuery(ValueError):
    """A filter or cursor of the accounts list that cannot be read."""


def encode_cursor(row: dict[str, Any]) -> str:
    text = f"{row['due_rank']}~{row['sort_at'].isoformat()}~{row['account_id']}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(value: str) -> q.Cursor:
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        rank, at, account = text.split("~")
        return q.Cursor(int(rank), datetime.fromisoformat(at), account)
    except ValueError as exc:
        raise BadQuery("the page link is not valid: start again from the first page") from exc


def account_filter(params: Any) -> q.AccountFilter:
    org, tier = params.get("org") or None, params.get("tier") or None
    state, search = params.get("state") or None, (params.get("q") or "").strip() or None
    try:
        organization = UUID(org) if org else None
    except ValueError as exc:
        raise BadQuery(f"unknown organisation id {org!r}") from exc
    if tier is not None and tier not in TIERS:
        raise BadQuery(f"unknown tier {tier!r}: valid tiers are {', '.join(TIERS)}")
    if state is not None and state not in q.STATES:
        raise BadQuery(f"unknown state {state!r}: valid states are {', '.join(q.STATES)}")
    return q.AccountFilter(organization, tier, state, search)


@page
async def accounts(request: Request, viewer: Viewer) -> Response:
    """/console: every visible account, filtered, due first, one page at a time."""
    size = console_of(request).settings.console_page_size
    try:
        where = account_filter(request.query_params)
        after = request.query_params.get("after")
        cursor = decode_cursor(after) if after else None
    except BadQuery as exc:
        return render(request, viewer, "message.html", 400, title="Bad filter", message=str(exc))
    async with read_as(request, viewer) as conn:
        rows = await q.list_accounts(conn, where, cursor, size + 1)
        total = await q.count_accounts(conn, where)
        orgs = await q.visible_organizations(conn)
        errors = await q.error_summary(conn)
        limits = await q.rate_limit_state(conn) if viewer.operator else None
        throttles = await q.throttles_last_day(conn) if viewer.operator else None
    more = len(rows) > size
    rows = rows[:size]
    kept = {k: v for k, v in request.query_params.items() if k not in ("after", "notice") and v}
    next_query = urlencode(kept | {"after": encode_cursor(rows[-1])}) if more else None
    return render(
        request,
        viewer,
        "accounts.html",
        rows=rows,
        total=total,
        orgs=orgs,
        where=where,
        tiers=TIERS,
        states=q.STATES,
        next_query=next_query,
        first_page=cursor is None,
        first_query=urlencode(kept),
        errors=errors,
        limits=limits,
        throttles=throttles,
    )


@page
async def account(request: Request, viewer: Viewer) -> Response:
    """/console/accounts/{act_id}: phases, jobs, freshness, one job's chunks."""
    account_id = request.path_params["account_id"]
    chosen = request.query_params.get("job", "")
    if not ACCOUNT_ID.match(account_id):
        return not_found(request, viewer, "account")
    return await account_page(
        request, viewer, account_id, int(chosen) if chosen.isdigit() else None
    )


async def account_page(
    request: Request,
    viewer: Viewer,
    account_id: str,
    chosen: int | None,
    status: int = 200,
    **extra: Any,
) -> Response:
    """The account page (also re-rendered by refused actions with their message)."""
    async with read_as(request, viewer) as conn:
        row = await q.account_status(conn, account_id)
        if row is None:
            return not_found(request, viewer, "account")
        access = await q.account_access(conn, account_id)
        jobs = await q.account_jobs(conn, account_id)
        freshness = await q.account_freshness(conn, account_id)
        chosen = chosen or (jobs[0]["job_id"] if jobs else None)
        chunks = await q.job_chunks(conn, chosen) if chosen else []
    may_act = viewer.operator or bool(access and access["is_admin"])
    context: dict[str, Any] = {"form": {}, "field_errors": {}, "action_error": None}
    return render(
        request,
        viewer,
        "account.html",
        status,
        a=row,
        jobs=jobs,
        freshness=freshness,
        chosen=chosen,
        chunks=chunks,
        may_act=may_act,
        tiers=TIERS,
        final=FINAL,
        **(context | extra),
    )


async def _job_context(request: Request, viewer: Viewer, job_id: int) -> dict[str, Any] | None:
    async with read_as(request, viewer) as conn:
        job = await q.job_progress(conn, job_id)
        if job is None:
            return None
        running = await q.running_chunks(conn, job_id)
        follow = await q.follow_up_job(conn, job_id)
        access = await q.job_access(conn, job_id)
    may_act = viewer.operator or bool(access and access["is_admin"])
    return {"job": job, "running": running, "follow": follow, "final": FINAL, "may_act": may_act}


@page
async def job(request: Request, viewer: Viewer) -> Response:
    """/console/jobs/{id}: one job's live progress; phase 1 hands over to phase 2."""
    job_id = job_id_of(request.path_params["job_id"])
    context = None if job_id is None else await _job_context(request, viewer, job_id)
    if context is None:
        return not_found(request, viewer, "job")
    return render(request, viewer, "job.html", **context)


@page
async def badge(request: Request, viewer: Viewer) -> Response:
    """/console/jobs/{id}/badge: a small progress indicator to embed (an iframe)."""
    job_id = job_id_of(request.path_params["job_id"])
    context = None if job_id is None else await _job_context(request, viewer, job_id)
    if context is None:
        return not_found(request, viewer, "job")
    response = render(request, viewer, "badge.html", **context)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors *"
    )
    return response


@page
async def analytics(request: Request, viewer: Viewer) -> Response:
    """/console/analytics: durations, success rate and calls per 1 000 rows, per tier and phase."""
    async with read_as(request, viewer) as conn:
        rows = await q.sync_analytics(conn)
    return render(request, viewer, "analytics.html", rows=rows)
