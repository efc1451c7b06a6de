"""``metasync serve``: the webhook, /tick and /healthz endpoint and the console under uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from metasync.logging import configure_logging
from metasync.postgres.connect import resolve_database_url
from metasync.server.app import create_app
from metasync.settings import get_settings


def serve(
    host: str | None = typer.Option(None, help="Listen address (default METASYNC_SERVE_HOST)."),
    port: int | None = typer.Option(None, help="Listen port (default METASYNC_SERVE_PORT)."),
    log_level: str = typer.Option("info", help="Log level."),
) -> None:
    """Serve Meta webhooks (GET/POST /webhooks/meta), POST /tick, GET /healthz and /console."""
    settings = get_settings()
    configure_logging(log_level)
    app = create_app(settings, resolve_database_url(settings))
    uvicorn.run(
        app,
        host=host or settings.serve_host,
        port=port or settings.serve_port,
        log_config=None,  # our redacting JSON handler on the root logger
        access_log=False,  # access lines would carry query strings (hub.verify_token)
        proxy_headers=True,
    )
