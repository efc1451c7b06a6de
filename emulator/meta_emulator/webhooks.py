"""Signed ``ad_account`` webhook deliveries, with Meta's retries and occasional duplicates."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
from typing import Any

import httpx

from meta_emulator.runtime import Runtime
from meta_emulator.state import effective, visible

FIELDS = ("with_issues_ad_objects", "in_process_ad_objects")
MAX_CHANGES = 1000


def signature(body: bytes, secret: str) -> str:
    """The X-Hub-Signature-256 header value for a raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def build_payload(rt: Runtime, account_id: str, field: str, count: int) -> dict[str, Any]:
    """Changes for the account's ads with issues (or any visible ads for in_process)."""
    if field not in FIELDS:
        raise ValueError(f"field must be one of {FIELDS}")
    aw = rt.account(account_id)
    t = rt.clock.timestamp()
    ads = [ad for ad in aw.ads.values() if visible(ad, t)]
    picked = (
        [ad for ad in ads if effective(aw, ad, t) == "WITH_ISSUES"] if field == FIELDS[0] else []
    )
    picked = (picked or ads)[: max(1, min(count, MAX_CHANGES))]
    changes = [{"field": field, "value": _value(field, ad.id)} for ad in picked]
    return {
        "object": "ad_account",
        "entry": [{"id": aw.account.id, "time": int(t), "changes": changes}],
    }


def _value(field: str, ad_id: str) -> dict[str, Any]:
    if field == "in_process_ad_objects":
        return {"id": ad_id, "level": "AD", "status_name": "IN_PROCESS"}
    return {
        "id": ad_id,
        "level": "AD",
        "error_code": 1815869,
        "error_summary": "Ad has issues",
        "error_message": "This ad's landing page could not be reached.",
    }


async def deliver(
    url: str,
    payload: dict[str, Any],
    secret: str,
    delays: tuple[float, ...],
    duplicate_rate: float,
    rng: random.Random,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """POST the payload until a 2xx (retrying after each delay), maybe once more as a duplicate."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"content-type": "application/json", "x-hub-signature-256": signature(body, secret)}
    attempts: list[int | str] = []
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        for delay in (0.0, *delays):
            await asyncio.sleep(delay)
            result = await _post(client, url, body, headers)
            attempts.append(result)
            if isinstance(result, int) and 200 <= result < 300:
                break
        delivered = any(isinstance(a, int) and 200 <= a < 300 for a in attempts)
        duplicate = delivered and rng.random() < duplicate_rate
        if duplicate:
            attempts.append(await _post(client, url, body, headers))
    return {
        "delivered": delivered,
        "attempts": attempts,
        "duplicate": duplicate,
        "bytes": len(body),
    }


async def _post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]
) -> int | str:
    try:
        return (await client.post(url, content=body, headers=headers)).status_code
    except httpx.HTTPError as err:
        return type(err).__name__


async def verify(
    url: str, verify_token: str, challenge: str, transport: httpx.AsyncBaseTransport | None = None
) -> dict[str, Any]:
    """Meta's subscription handshake: GET hub.mode/hub.verify_token/hub.challenge."""
    params = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        answer = await client.get(url, params=params)
    return {"status": answer.status_code, "verified": answer.text == challenge}
