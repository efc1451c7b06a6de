"""``metasync serve``: Meta webhooks, the /tick nudge and /healthz (starlette + psycopg async)."""

from metasync.server.app import create_app
from metasync.server.processing import process_pending_webhook_events

__all__ = ["create_app", "process_pending_webhook_events"]
