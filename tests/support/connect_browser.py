"""A scripted browser for Connect with Meta: one cookie jar, two hosts (metasync serve and the
emulator's login dialog), redirects followed by hand so that every URL and page is recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urlencode, urljoin

import httpx
from pydantic import SecretStr

from metasync.crypto import TokenCipher, format_key_entry, generate_key
from metasync.server.app import create_app
from metasync.settings import Settings
from tests.support.e2e_harness import BASE_URL, Harness

APP_URL = "http://meta-sync.test"
OPERATOR = "operator-token-for-tests"
_INPUT = re.compile(r"<input([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def inputs(html: str) -> list[dict[str, str]]:
    """Every <input> of a page as its attributes (a bare attribute is "")."""
    found = []
    for m in _INPUT.finditer(html):
        attrs = {k: unescape(v) for k, v in _ATTR.findall(m.group(1))}
        for bare in ("checked", "disabled"):
            if re.search(rf"\s{bare}(\s|$)", m.group(1)):
                attrs[bare] = ""
        found.append(attrs)
    return found


def hidden(html: str) -> dict[str, str]:
    return {i["name"]: i.get("value", "") for i in inputs(html) if i.get("type") == "hidden"}


@dataclass
class Browser:
    client: httpx.AsyncClient
    app_transport: httpx.AsyncBaseTransport  # metasync serve, for the emulator's callbacks
    mounts: dict[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    seen: list[httpx.Response] = field(default_factory=list)

    def stranger(self) -> Browser:
        """Another browser (its own, empty cookie jar) on the same servers."""
        return Browser(httpx.AsyncClient(mounts=self.mounts), self.app_transport, self.mounts)

    async def go(
        self, method: str, url: str, form: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One request (``form``: an urlencoded body), then its redirects, each one recorded."""
        if form is not None:
            kwargs["content"] = urlencode(form)
            kwargs["headers"] = {"content-type": "application/x-www-form-urlencoded"}
        answer = await self.client.request(method, url, **kwargs)
        self.seen.append(answer)
        while answer.status_code in (302, 303) and len(self.seen) < 200:
            target = urljoin(str(answer.url), answer.headers["location"])
            if "/console/jobs/" in target:  # the console's page (not part of this app here)
                return answer
            answer = await self.client.get(target)
            self.seen.append(answer)
        return answer

    def text(self, bodies: bool = False) -> str:
        """Everything the browser saw: URLs, Location headers, bodies, cookies (or bodies)."""
        if bodies:
            return "\n".join(r.text for r in self.seen)
        parts = []
        for r in self.seen:
            parts += [str(r.request.url), r.headers.get("location", ""), r.text,
                      r.headers.get("set-cookie", "")]  # fmt: skip
        return "\n".join(parts)

    async def start(self, org: str, **params: str) -> httpx.Response:
        """Connect Meta Ads: /connect/meta as the operator, up to Meta's dialog page."""
        headers = {"authorization": f"Bearer {OPERATOR}"}
        answer = await self.client.get(f"{APP_URL}/connect/meta", params={"org": org, **params},
                                       headers=headers)  # fmt: skip
        self.seen.append(answer)
        if answer.status_code != 303:
            return answer
        return await self.go("GET", answer.headers["location"])

    async def dialog(
        self, page: httpx.Response, user: str = "alice", grant: list[str] | None = None,
        action: str = "continue",
    ) -> httpx.Response:  # fmt: skip
        """On Meta's dialog: log in as ``user``, tick ``grant`` (default: all shown), submit."""
        boxes = [i["value"] for i in inputs(page.text) if i.get("name") == "grant"]
        ticked = boxes if grant is None else [g for g in grant if g in boxes]
        form = [*hidden(page.text).items(), ("user", user), ("action", action)]
        form += [("grant", g) for g in ticked]
        return await self.go("POST", str(page.url).split("?")[0], form)

    async def pick(self, page: httpx.Response, accounts: list[str]) -> httpx.Response:
        form = [*hidden(page.text).items(), *[("account", a) for a in accounts]]
        return await self.go("POST", f"{APP_URL}/connect/meta/accounts", form)


def app_settings(h: Harness, **over: Any) -> Settings:
    creds = h.emu.credentials
    return h.settings.model_copy(update={
        "meta_app_id": creds["app_id"],
        "token_keys": SecretStr(format_key_entry("k1", generate_key())),
        "token_key_id": "k1", "console_token": SecretStr(OPERATOR), "public_url": APP_URL,
        "oauth_dialog_url": BASE_URL, **over,
    })  # fmt: skip


def open_browser(
    h: Harness, settings: Settings, graph: httpx.AsyncBaseTransport | None = None
) -> Browser:
    """metasync serve and the emulator behind one client; the worker shares the app's keys.
    ``graph``: how the server reaches Meta (default: the emulator)."""
    h.cipher = TokenCipher.from_settings(settings)
    emu_transport = httpx.ASGITransport(app=h.emu.app)
    app = create_app(settings, h.pool, sweep_seconds=None, clock=h.emu.clock.now,
                     graph_transport=graph or emu_transport)  # fmt: skip
    app_transport = httpx.ASGITransport(app=app)
    mounts: dict[str, httpx.AsyncBaseTransport] = {APP_URL: app_transport, BASE_URL: emu_transport}
    return Browser(httpx.AsyncClient(mounts=mounts), app_transport, mounts)
