"""The console of ``metasync serve``: accounts, jobs and live progress pages under /console.

GET  /console                         the accounts of every organisation the viewer may read
GET  /console/accounts/{act_id}       one account: phases, jobs, freshness, a job's chunks
GET  /console/jobs/{id}               one job's live progress (phase 1 hands over to phase 2)
GET  /console/jobs/{id}/badge         a small embeddable progress indicator
GET  /console/analytics               sync analytics per tier and phase
GET  /console/events                  Server-Sent Events of job progress (one LISTEN per process)
GET|POST /console/login, POST /console/logout
POST /console/accounts/{act_id}/tier|pause|resume|sync|manual, /console/jobs/{id}/cancel|retry,
     /console/scheduler               actions, refused with the SQL's own message

Pages need a signed-in viewer (else a redirect to /console/login); streams and actions answer
401. Reads run as the viewer (RLS decides); see :mod:`metasync.console.auth`. Other features
(the Meta connect flow) add their routes next to :func:`console_routes` and their buttons in
the ``connect`` block of ``templates/accounts.html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from metasync.console import actions, login, pages, stream
from metasync.console.auth import Authenticator
from metasync.console.events import Hub
from metasync.console.views import environment
from metasync.console.web import Console
from metasync.db import console as q
from metasync.settings import Settings

if TYPE_CHECKING:
    from metasync.server.database import Database

STATIC = Path(__file__).parent / "static"


def make_console(settings: Settings, db: Database) -> Console:
    """The console's state; its hub starts listening with :func:`start_console`."""

    async def enrich(job_ids: list[int]) -> dict[int, dict[str, Any]]:
        async with db.connection() as conn:
            return await q.job_event_details(conn, job_ids)

    hub = Hub(str(db.pool.conninfo), enrich)
    return Console(settings, db, Authenticator(settings), hub, environment())


def console_routes() -> list[BaseRoute]:
    account = "/console/accounts/{account_id}"
    job = "/console/jobs/{job_id:int}"
    return [
        Route("/console", pages.accounts, methods=["GET"]),
        Route("/console/login", login.login_form, methods=["GET"]),
        Route("/console/login", login.login, methods=["POST"]),
        Route("/console/logout", login.logout, methods=["POST"]),
        Route("/console/analytics", pages.analytics, methods=["GET"]),
        Route("/console/events", stream.events, methods=["GET"]),
        Route("/console/scheduler", actions.run_scheduler, methods=["POST"]),
        Route(account, pages.account, methods=["GET"]),
        Route(f"{account}/tier", actions.set_tier, methods=["POST"]),
        Route(f"{account}/pause", actions.pause, methods=["POST"]),
        Route(f"{account}/resume", actions.pause, methods=["POST"]),
        Route(f"{account}/sync", actions.sync_now, methods=["POST"]),
        Route(f"{account}/manual", actions.manual_sync, methods=["POST"]),
        Route(job, pages.job, methods=["GET"]),
        Route(f"{job}/badge", pages.badge, methods=["GET"]),
        Route(f"{job}/cancel", actions.cancel_job, methods=["POST"]),
        Route(f"{job}/retry", actions.retry_job, methods=["POST"]),
        Mount("/console/static", StaticFiles(directory=STATIC), name="console-static"),
    ]
