"""The console's actions: form posts that call the SQL functions, refused with the SQL's message.

Every action needs a viewer (401), a CSRF token when signed in by cookie (403), and an account or
job the viewer can see (404, the same as for one that does not exist). The operator may do
everything. A Supabase user must be an owner or admin of the organisation: the tier change is
checked by ``set_sync_priority`` itself (it runs as the viewer); for the other functions, which
signed-in users may not execute, the admin check runs as the viewer in the same transaction and
the function then runs with the server's role. ``enqueue_due_syncs`` spans every organisation:
the operator's alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

import psycopg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from metasync.console.auth import COOKIE, Viewer
from metasync.console.pages import ACCOUNT_ID, account_page
from metasync.console.web import (
    api,
    console_of,
    form_of,
    job_id_of,
    json_response,
    not_found,
    read_as,
    render,
    safe_next,
    same_origin,
    wants_json,
)
from metasync.db import console as q
from metasync.db import scheduling
from metasync.db.errors import MetaSyncDatabaseError

Conn = psycopg.AsyncConnection[Any]
Run = Callable[[Conn, dict[str, str]], Awaitable[str]]
JobRun = Callable[[Conn, int, dict[str, str]], Awaitable[str]]
_STATUS = {"22023": 422, "22007": 422, "P0002": 404, "55000": 409, "42501": 403}


class Refused(Exception):
    def __init__(self, message: str, status: int, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.field = status, field


def _checked(request: Request, viewer: Viewer, form: dict[str, str]) -> None:
    if not same_origin(request):
        raise Refused("refused: the request came from another site", 403)
    if viewer.via_cookie and not console_of(request).auth.csrf_ok(
        request.cookies.get(COOKIE), form.get("csrf")
    ):
        raise Refused("refused: the form is stale or forged (CSRF); reload the page", 403)


def _done(request: Request, form: dict[str, str], default: str, notice: str) -> Response:
    if wants_json(request):
        return json_response({"ok": True, "notice": notice})
    target = safe_next(form.get("next"), default)
    joiner = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{joiner}{urlencode({'notice': notice})}", status_code=303)


async def _account_action(
    request: Request, viewer: Viewer, what: str, run: Run, *, as_viewer: bool = False
) -> Response:
    account_id = request.path_params["account_id"]
    form = await form_of(request)
    try:
        _checked(request, viewer, form)
        if not ACCOUNT_ID.match(account_id):
            raise Refused("no such account", 404)
        async with read_as(request, viewer) as conn:
            access = await q.account_access(conn, account_id)
            if access is None:
                raise Refused("no such account", 404)
            if not viewer.operator and not as_viewer:
                if not access["is_admin"]:
                    raise Refused(
                        f"only owners and admins of the organization may {what} of {account_id}",
                        403,
                    )
                await q.leave_viewer(conn)
            notice = await run(conn, form)
    except (Refused, MetaSyncDatabaseError) as exc:
        return await _refused(request, viewer, account_id, form, exc)
    return _done(request, form, f"/console/accounts/{account_id}", notice)


async def _refused(
    request: Request, viewer: Viewer, account_id: str, form: dict[str, str], exc: Exception
) -> Response:
    if isinstance(exc, Refused):
        status, field = exc.status, exc.field
    else:
        status, field = _STATUS.get(getattr(exc, "sqlstate", "") or "", 422), _field_of(str(exc))
    if wants_json(request):
        return json_response({"ok": False, "error": str(exc), "field": field}, status)
    if status == 404:
        return not_found(request, viewer, "account")
    errors = {field: str(exc)} if field else {}
    return await account_page(
        request,
        viewer,
        account_id,
        None,
        status,
        form=form,
        field_errors=errors,
        action_error=None if field else str(exc),
    )


def _field_of(message: str) -> str | None:
    """The form field a manual-sync refusal is about ("until ... is in the future" -> until)."""
    first = message.split(" ", 1)[0].lower()
    if first in ("since", "until"):
        return first
    return None


def _date(form: dict[str, str], name: str) -> date | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(f"{name} {text!r} is not a date (YYYY-MM-DD)", 422, name) from None


@api
async def set_tier(request: Request, viewer: Viewer) -> Response:
    async def run(conn: Conn, form: dict[str, str]) -> str:
        account_id = request.path_params["account_id"]
        await scheduling.set_sync_priority(conn, account_id, form.get("tier", ""))
        return f"{account_id}: tier set to {form.get('tier', '').strip().lower()}"

    return await _account_action(request, viewer, "change the tier", run, as_viewer=True)


@api
async def pause(request: Request, viewer: Viewer) -> Response:
    paused = request.url.path.endswith("/pause")

    async def run(conn: Conn, form: dict[str, str]) -> str:
        await q.set_account_paused(conn, request.path_params["account_id"], paused)
        return "paused: no new sync starts" if paused else "resumed: the schedule runs again"

    return await _account_action(request, viewer, "pause or resume the schedule", run)


@api
async def sync_now(request: Request, viewer: Viewer) -> Response:
    async def run(conn: Conn, form: dict[str, str]) -> str:
        job = await q.enqueue_incremental_sync(conn, request.path_params["account_id"])
        return f"sync job {job} enqueued" if job else "a sync of this account is already open"

    return await _account_action(request, viewer, "start a sync", run)


@api
async def manual_sync(request: Request, viewer: Viewer) -> Response:
    async def run(conn: Conn, form: dict[str, str]) -> str:
        since, until = _date(form, "since"), _date(form, "until")
        job = await q.request_manual_sync(
            conn, request.path_params["account_id"], since, until, f"console:{viewer.label}"
        )
        return f"manual sync job {job} enqueued ({since} to {until})"

    return await _account_action(request, viewer, "sync a custom range", run)


async def _job_action(request: Request, viewer: Viewer, what: str, run: JobRun) -> Response:
    job_id = job_id_of(request.path_params["job_id"])
    form = await form_of(request)
    try:
        _checked(request, viewer, form)
        if job_id is None:
            raise Refused("no such job", 404)
        async with read_as(request, viewer) as conn:
            access = await q.job_access(conn, job_id)
            if access is None:
                raise Refused("no such job", 404)
            if not viewer.operator:
                if not access["is_admin"]:
                    raise Refused(f"only owners and admins of the organization may {what}", 403)
                await q.leave_viewer(conn)
            notice = await run(conn, job_id, form)
    except (Refused, MetaSyncDatabaseError) as exc:
        status = exc.status if isinstance(exc, Refused) else _STATUS.get(exc.sqlstate or "", 422)
        if wants_json(request):
            return json_response({"ok": False, "error": str(exc)}, status)
        if status == 404:
            return not_found(request, viewer, "job")
        return render(
            request,
            viewer,
            "message.html",
            status,
            title="Refused",
            message=str(exc),
            back=f"/console/jobs/{job_id}",
        )
    return _done(request, form, f"/console/jobs/{job_id}", notice)


@api
async def cancel_job(request: Request, viewer: Viewer) -> Response:
    async def run(conn: Conn, job_id: int, form: dict[str, str]) -> str:
        reason = form.get("reason", "").strip() or f"cancelled in the console by {viewer.label}"
        n = await q.cancel_sync_job(conn, job_id, reason)
        return f"job {job_id} cancelled ({n} chunks)"

    return await _job_action(request, viewer, "cancel a job", run)


@api
async def retry_job(request: Request, viewer: Viewer) -> Response:
    async def run(conn: Conn, job_id: int, form: dict[str, str]) -> str:
        n = await q.retry_failed_chunks(conn, job_id)
        return f"job {job_id}: {n} failed chunks retried" if n else "no failed chunk to retry"

    return await _job_action(request, viewer, "retry failed chunks", run)


@api
async def run_scheduler(request: Request, viewer: Viewer) -> Response:
    """enqueue_due_syncs for every organisation: the operator only."""
    form = await form_of(request)
    try:
        _checked(request, viewer, form)
        if not viewer.operator:
            raise Refused(
                "only the operator may run the scheduler (it spans every organisation)", 403
            )
        async with read_as(request, viewer) as conn:
            jobs = await scheduling.enqueue_due_syncs(conn)
    except (Refused, MetaSyncDatabaseError) as exc:
        status = exc.status if isinstance(exc, Refused) else _STATUS.get(exc.sqlstate or "", 422)
        if wants_json(request):
            return json_response({"ok": False, "error": str(exc)}, status)
        return render(
            request,
            viewer,
            "message.html",
            status,
            title="Refused",
            message=str(exc),
            back="/console",
        )
    return _done(request, form, "/console", f"scheduler ran: {len(jobs)} jobs enqueued")
