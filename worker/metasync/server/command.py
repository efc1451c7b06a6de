"""``metasync serve``: the webhook, /tick and /healthz endpoint and the console under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from metasync.logging import LogFormat, configure_logging
from metasync.postgres.connect import resolve_database_url
from metasync.server.app import create_app
from metasync.settings import get_settings


def serve(
    host: str | None = typer.Option(None, help="Listen address (default METASYNC_SERVE_HOST)."),
    port: int | None = typer.Option(None, help="Listen port (default METASYNC_SERVE_PORT)."),
    log_level: str = typer.Option("info", help="Log level."),
    log_format: Annotated[
        LogFormat | None,
        typer.Option("--log-format", help="text or json (default: text on a terminal, else json)."),
    ] = None,
) -> None:
    """Serve Meta webhooks (GET/POST /webhooks/meta), POST /tick, GET /healthz, GET /metrics, the
    console (/console) and Connect with Meta (/connect/meta: Facebook Login, the account picker,
    Meta's app callbacks)."""
    settings = get_settings()
    configure_logging(log_level, json=None, log_format=log_format.value if log_format else None)
    app = create_app(settings, resolve_database_url(settings))
    uvicorn.run(
        app,
        host=host or settings.serve_host,
        port=port or settings.serve_port,
        log_config=None,  # our redacting JSON handler on the root logger
        access_log=False,  # access lines would carry query strings (hub.verify_token)
        proxy_headers=True,
    )
