"""The `Emulator`: the public Python surface and the Starlette app serving Graph + control API."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from meta_emulator.batch import serve_batch
from meta_emulator.clock import EmulatorClock
from meta_emulator.config import EmulatorConfig
from meta_emulator.control import Control
from meta_emulator.errors import ErrorReply
from meta_emulator.graph import VERSION, Call, serve
from meta_emulator.runtime import Runtime
from meta_emulator.state import effective, visible
from meta_emulator.webhooks import FIELDS, build_payload, deliver, verify


class Emulator:
    """A deterministic Meta Graph API: `Emulator("small", seed=1, clock=datetime(...)).app`."""

    def __init__(
        self,
        world: str = "small",
        seed: int = 1,
        config: EmulatorConfig | None = None,
        clock: datetime | None = None,
        anchor: date | None = None,
    ) -> None:
        self.config = config or EmulatorConfig()
        self.world_name, self.seed = world, seed
        self._clock = EmulatorClock(clock)
        self._rt = Runtime(
            world, seed, self.config, self._clock, anchor or self._clock.now().date()
        )
        self._webhook_rng = random.Random(f"webhooks:{seed}")
        self.app = Starlette(
            routes=[
                *Control(self).routes(),
                Route("/{path:path}", self._graph, methods=["GET", "POST", "DELETE"]),
            ]
        )

    # -- clock ---------------------------------------------------------------------------------
    @property
    def clock(self) -> EmulatorClock:
        return self._clock

    @clock.setter
    def clock(self, moment: datetime) -> None:
        self._clock.set(moment)

    def advance(self, delta: timedelta | float) -> datetime:
        return self._clock.advance(delta)

    def clock_info(self) -> dict[str, Any]:
        return {
            "now": self._clock.now().isoformat(),
            "ticking": self._clock.ticking,
            "anchor": self._rt.anchor.isoformat(),
        }

    # -- ground truth and state ------------------------------------------------------------------
    @property
    def credentials(self) -> dict[str, Any]:
        """app_id, app_secret, access_token (system user), tokens, account_ids (act_...)."""
        return self._rt.creds.listing(
            [aw.account.node_id for aw in self._rt.world.accounts.values()]
        )

    @property
    def account_ids(self) -> list[str]:
        return [aw.account.node_id for aw in self._rt.world.accounts.values()]

    def truth_entities(self, account_id: str) -> dict[str, list[dict[str, Any]]]:
        return self._rt.truth_entities(account_id)

    def truth_insights(
        self,
        account_id: str,
        since: date | str,
        until: date | str,
        breakdowns: tuple[str, ...] | list[str] = (),
        action_breakdowns: tuple[str, ...] | list[str] = ("action_type",),
    ) -> list[dict[str, Any]]:
        """Ad-level daily rows (TRUTH_FIELDS), split by `breakdowns` and `action_breakdowns`
        exactly as the Graph API splits them (a combination Meta refuses raises ErrorReply)."""
        s = date.fromisoformat(since) if isinstance(since, str) else since
        u = date.fromisoformat(until) if isinstance(until, str) else until
        return self._rt.truth_insights(
            account_id, s, u, tuple(breakdowns), tuple(action_breakdowns)
        )

    def truth_ad_status(self, account_id: str) -> dict[str, str]:
        aw = self._rt.account(account_id)
        t = self._clock.timestamp()
        return {ad.id: effective(aw, ad, t) for ad in aw.ads.values() if visible(ad, t)}

    @property
    def stats(self) -> dict[str, Any]:
        return self._rt.stats.summary()

    def call_log(self, limit: int = 100) -> list[dict[str, Any]]:
        return list(self._rt.stats.log)[-limit:]

    @property
    def faults(self) -> dict[str, float]:
        """Fault rates per class, plus the current latency_ms and jitter_ms."""
        injector = self._rt.faults
        return {
            **injector.faults.as_dict(),
            "latency_ms": injector.latency_ms,
            "jitter_ms": injector.jitter_ms,
        }

    def set_faults(self, **rates: float) -> dict[str, float]:
        """Change fault rates at run time, e.g. ``set_faults(transient=0.05, batch_null=0.1)``."""
        self._rt.set_faults(rates)
        return self.faults

    def reset(self) -> None:
        """Clock, stats, faults, quotas, report runs and tokens back to their start state."""
        self._rt.reset()
        self._webhook_rng = random.Random(f"webhooks:{self.seed}")

    @property
    def runtime(self) -> Runtime:
        return self._rt

    def client(
        self, base_url: str = "https://graph.facebook.com", **kwargs: Any
    ) -> httpx.AsyncClient:
        """An httpx client talking to this emulator in process (no sockets)."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url=base_url, **kwargs
        )

    async def deliver_webhooks(
        self,
        url: str,
        account_id: str | None = None,
        field: str = FIELDS[0],
        count: int = 10,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> dict[str, Any]:
        """Deliver one signed ad_account event to `url` (retries, maybe a duplicate)."""
        account = account_id or self.account_ids[0]
        payload = build_payload(self._rt, account, field, count)
        report = await deliver(
            url,
            payload,
            self._rt.world.app_secret,
            self.config.webhook_retry_delays_s,
            self.config.webhook_duplicate_rate,
            self._webhook_rng,
            transport,
        )
        return {**report, "payload": payload}

    async def verify_webhook(
        self, url: str, verify_token: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> dict[str, Any]:
        """Run the subscription handshake against `url`; `verified` when it echoes the challenge."""
        challenge = str(self._webhook_rng.randrange(10**9, 10**10))
        return await verify(url, verify_token, challenge, transport)

    # -- the Graph API --------------------------------------------------------------------------
    async def _graph(self, request: Request) -> Response:
        params = await _params(request)
        base = str(request.base_url).rstrip("/")
        delay = self._rt.faults.latency_s()
        if delay:
            await asyncio.sleep(delay)
        self._rt.stats.http_requests += 1
        path = request.url.path
        if request.method == "POST" and "batch" in params and _is_root(path):
            return self._batch(params, base)
        answer = serve(self._rt, Call(request.method, path, params, base))
        return Response(answer.body, answer.status, headers=answer.headers)

    def _batch(self, params: dict[str, str], base: str) -> Response:
        headers = self._rt.quotas.headers(None, False, self._clock.timestamp())
        shared = {k: v for k, v in params.items() if k in ("access_token", "appsecret_proof")}
        try:
            body: Any = serve_batch(self._rt, params["batch"], shared, base)
            status = 200
        except ErrorReply as err:
            body, status = err.envelope(self._rt.trace_id()), err.status
        raw = json.dumps(body, separators=(",", ":"))
        return Response(raw, status, headers=headers, media_type="application/json")


def _is_root(path: str) -> bool:
    """``/`` or ``/vNN.0/``: where batch requests are posted."""
    inner = path.strip("/")
    return inner == "" or (inner.count("/") == 0 and VERSION.match(inner) is not None)


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        if request.headers.get("content-type", "").startswith("application/json"):
            raw = json.loads(await request.body() or b"{}")
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()})
        else:  # application/x-www-form-urlencoded (multipart is not supported)
            raw_form = (await request.body()).decode("utf-8", "replace")
            params.update(dict(parse_qsl(raw_form, keep_blank_values=True)))
    auth = request.headers.get("authorization", "")
    if "access_token" not in params and auth.split(" ")[0].lower() in ("oauth", "bearer"):
        params["access_token"] = auth.split(" ", 1)[1].strip()
    return params
