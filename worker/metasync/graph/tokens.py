"""Token calls: ``debug_token`` and the long-lived exchange. Tokens in, models out, no logging."""

from __future__ import annotations

from metasync.graph.client import GraphClient
from metasync.graph.models import DebugTokenData, TokenExchange, parse


async def debug_token(
    client: GraphClient, input_token: str, *, access_token: str | None = None
) -> DebugTokenData:
    """``GET /debug_token?input_token=..``; ``access_token`` defaults to ``input_token``."""
    answer = await client.get(
        "debug_token", {"input_token": input_token}, access_token=access_token or input_token
    )
    return parse(DebugTokenData, answer.get("data"), what="debug_token data")


async def exchange_token(
    client: GraphClient, short_lived_token: str, *, app_id: str, app_secret: str
) -> TokenExchange:
    """``GET /oauth/access_token?grant_type=fb_exchange_token`` -> a long-lived token."""
    params = {
        "grant_type": "fb_exchange_token",
        "client_id": app_id,
        "client_secret": app_secret,
        "fb_exchange_token": short_lived_token,
    }
    answer = await client.get("oauth/access_token", params, access_token=short_lived_token)
    return parse(TokenExchange, answer, what="token exchange answer")
