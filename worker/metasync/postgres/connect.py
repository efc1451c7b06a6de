"""Which database to use: ``DATABASE_URL`` when set, else the embedded local cluster."""

from __future__ import annotations

from metasync.postgres.embedded import EmbeddedPostgres
from metasync.settings import Settings


def embedded_cluster(settings: Settings) -> EmbeddedPostgres:
    return EmbeddedPostgres(data_dir=settings.embedded_data_dir, port=settings.embedded_port)


def resolve_database_url(settings: Settings) -> str:
    """The URL to use, starting (and on first use creating) the embedded cluster if needed."""
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return embedded_cluster(settings).ensure_running()
