"""Settings, read once from the environment (prefix ``METASYNC_``) and ``.env``.

Every setting is listed with a comment in ``.env.example``. Nothing else in the package reads the
environment: code receives a ``Settings`` object (or the values it needs) as an argument.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    """~/.metasync, or /var/lib/metasync for root (whose home the database user cannot enter)."""
    if os.geteuid() == 0:
        return Path("/var/lib/metasync")
    return Path.home() / ".metasync"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="METASYNC_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # --- database -------------------------------------------------------------------------
    database_url: SecretStr | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="Postgres URL; unset means the embedded local cluster under home/pg.",
    )
    home: Path = Field(default_factory=_default_home)
    embedded_port: int = 54329

    # --- Meta Graph API -------------------------------------------------------------------
    graph_base_url: str = "https://graph.facebook.com"
    graph_api_version: str = "v25.0"
    meta_app_id: str | None = None
    meta_app_secret: SecretStr | None = None
    graph_timeout_seconds: float = Field(default=60.0, gt=0)
    graph_retry_attempts: int = Field(default=5, ge=1, le=20)

    # --- worker ---------------------------------------------------------------------------
    worker_concurrency: int = Field(default=8, ge=1, le=256)
    worker_per_account_concurrency: int = Field(default=3, ge=1, le=32)
    # Phase-2 (history) chunks of one account a worker runs at once, counted apart from the
    # others: each is a 90-day async report run that waits on Meta far longer than it calls.
    worker_per_account_history_concurrency: int = Field(default=8, ge=1, le=32)
    lease_seconds: int = Field(default=120, ge=10, le=3600)
    poll_interval_seconds: float = Field(default=5.0, gt=0)
    # Page size of entity listings and of insights reads (Meta's default is 25).
    structure_page_size: int = Field(default=500, ge=25, le=5000)
    insights_page_size: int = Field(default=500, ge=25, le=5000)
    # Insights chunks estimated (ads x days) at this many rows or more run as async report
    # runs, smaller ones as paged GETs (a few pages beat a run's minimum wait; too much data
    # on a GET splits the chunk).
    insights_async_min_rows: int = Field(default=20000, ge=1)
    # The campaigns, ad sets and ads insights rows name that no listing showed: objects deleted
    # before the first sync (Meta lists DELETED objects only by id, and every kept status is
    # listed). "from_insights": stored from what the rows carry (names, parents, objective;
    # status DELETED), no call; "by_id": read by id for every field (created time, budgets,
    # targeting, creative), a call per object; "skip": no entity row for them.
    unlisted_objects: Literal["from_insights", "by_id", "skip"] = "from_insights"
    # Seconds between polls of an async report run.
    report_poll_seconds: float = Field(default=2.0, gt=0)
    # A decrypted token is kept in memory this long before it is read again.
    token_cache_seconds: float = Field(default=300.0, ge=0)

    # --- secrets (tokens at rest, webhooks, /tick) -----------------------------------------
    # Token keyring "kid1:<base64 32 bytes>,kid2:..." (`metasync keys generate` prints an entry).
    token_keys: SecretStr | None = None
    # Key id new encryptions use; optional when the keyring holds one key.
    token_key_id: str | None = None
    # Meta webhook subscription verify token (GET hub.verify_token).
    webhook_verify_token: SecretStr | None = None
    # Largest accepted webhook POST body, in bytes (413 above it). Any number of changes fits
    # as long as the body does: a delivery is stored in one call and processed in batches.
    webhook_max_body_bytes: int = Field(default=16 * 1_048_576, ge=1024, le=256 * 1_048_576)
    # Seconds a request handler of `metasync serve` waits for the database (a pooled
    # connection, then each statement) before answering 503.
    request_db_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # GET /healthz is unhealthy when no registered worker has sent a heartbeat within this
    # many seconds (0: workers are not checked, only the database).
    healthz_worker_stale_seconds: int = Field(default=300, ge=0, le=86400)
    # Bearer token required by POST /tick (pg_cron / pg_net nudge).
    tick_token: SecretStr | None = None
    # `metasync serve` listen address.
    serve_host: str = "127.0.0.1"
    serve_port: int = Field(default=8080, ge=1, le=65535)

    # --- console (`metasync serve` /console) -------------------------------------------------
    # Operator token: signs in at /console/login or as Bearer; sees and acts on everything.
    console_token: SecretStr | None = None
    # Supabase Auth: the project's JWT secret (HS256), or its JWKS URL (asymmetric keys).
    supabase_jwt_secret: SecretStr | None = None
    supabase_jwks_url: str | None = None
    # Audience the Supabase JWTs must carry ("authenticated" on Supabase).
    supabase_jwt_audience: str = "authenticated"
    # Hours a console session cookie (operator or Supabase) is accepted after sign-in.
    console_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    # Rows per page of the accounts list.
    console_page_size: int = Field(default=50, ge=5, le=500)

    # --- Connect with Meta (Facebook Login on `metasync serve`) -------------------------------
    # Where Meta's login dialog lives ({this}/{version}/dialog/oauth); the emulator's URL in tests.
    oauth_dialog_url: str = "https://www.facebook.com"
    # This server's public URL as browsers and Meta reach it; the redirect_uri is
    # {this}/connect/meta/callback (it must be listed in the app's Valid OAuth Redirect URIs).
    public_url: str = "http://127.0.0.1:8080"
    # Permissions the login dialog asks for; all are required (a missing one is asked again).
    oauth_scopes: str = "ads_read,business_management"
    # (console_token above: the operator may start Connect with Meta for any organisation.)

    @property
    def embedded_data_dir(self) -> Path:
        return self.home / "pg"

    @property
    def oauth_scope_list(self) -> tuple[str, ...]:
        """``oauth_scopes`` as a tuple, blanks dropped, order kept."""
        return tuple(dict.fromkeys(s.strip() for s in self.oauth_scopes.split(",") if s.strip()))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
