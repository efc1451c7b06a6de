"""``metasync demo --console``: after the sync, the console served on the demo's database.

The operator token is ``METASYNC_CONSOLE_TOKEN`` when set, else a new random one printed with
the URL (the demo is a local, throwaway database). Serves until Ctrl-C; the demo's database
(and its lock) stay until then.
"""

from __future__ import annotations

import secrets

import uvicorn
from pydantic import SecretStr
from rich.console import Console

from metasync.server.app import create_app
from metasync.settings import Settings


def console_settings(base: Settings, url: str) -> tuple[Settings, str | None]:
    """The settings to serve with, and the token to print (None: the user's own is used)."""
    if base.console_token is not None and base.console_token.get_secret_value():
        return base.model_copy(update={"database_url": SecretStr(url)}), None
    token = secrets.token_urlsafe(24)
    update = {"database_url": SecretStr(url), "console_token": SecretStr(token)}
    return base.model_copy(update=update), token


def serve_console(url: str, base: Settings, console: Console, port: int | None = None) -> None:
    settings, token = console_settings(base, url)
    host, port = settings.serve_host, port or settings.serve_port
    console.rule("the console")
    console.print(f"console: http://{host}:{port}/console (the demo's database)")
    if token is None:
        console.print("sign in with your METASYNC_CONSOLE_TOKEN")
    else:
        console.print(f"sign in with the operator token: [bold]{token}[/bold]")
    console.print("Ctrl-C stops it.")
    app = create_app(settings, url)
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
