"""The login dialog (``GET|POST /{version}/dialog/oauth``) and the app callbacks Meta sends.

The dialog is an HTML page: the person logs in as a test user (any name), ticks or unticks each
requested permission and continues, or cancels. Continue redirects to ``redirect_uri`` with
``code`` and ``state``; Cancel with ``error=access_denied&error_reason=user_denied&
error_description=...&state``, as Facebook Login's manual flow documents.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from meta_emulator.oauth import callback_payload, signed_request

if TYPE_CHECKING:
    from meta_emulator.app import Emulator

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>{body}</main></body></html>"""


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=html.escape(title), body=body), status_code=status)


USER_COOKIE = "c_user"


def _scopes(params: dict[str, str]) -> list[str]:
    return [s for s in params.get("scope", "").replace(" ", ",").split(",") if s]


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


class Dialog:
    """The dialog's two routes over an `Emulator`."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    def routes(self) -> list[Route]:
        return [Route("/{version}/dialog/oauth", self.dialog, methods=["GET", "POST"])]

    def _refused(self, params: dict[str, str]) -> Response | None:
        creds = self.emu.runtime.creds
        if params.get("client_id") != creds.app_id:
            return page("Error", "<h1>Invalid App ID</h1><p>client_id is not this app.</p>", 400)
        if not params.get("redirect_uri", "").startswith(("http://", "https://")):
            return page("Error", "<h1>Invalid redirect_uri</h1><p>An absolute URL.</p>", 400)
        if params.get("response_type", "code") != "code":
            return page("Error", "<h1>Unsupported response_type</h1><p>Only code.</p>", 400)
        return None

    async def dialog(self, request: Request) -> Response:
        params = dict(request.query_params)
        pairs: list[tuple[str, str]] = []
        if request.method == "POST":  # a form post (parsed here: no multipart dependency)
            pairs = parse_qsl((await request.body()).decode("utf-8", "replace"))
            params.update(dict(pairs))
        refused = self._refused(params)
        if refused is not None:
            return refused
        if request.method == "GET":
            return self._form(request.url.path, params, request.cookies.get(USER_COOKIE))
        return self._decide(params, {v for k, v in pairs if k == "grant"})

    def _form(self, action: str, params: dict[str, str], user_id: str | None) -> Response:
        scopes = _scopes(params)
        user = self.emu.runtime.creds.oauth.users.get(user_id or "")
        if user is not None:  # the browser is logged in: what was declined is not asked again
            scopes = self.emu.runtime.creds.oauth.to_ask(
                user, scopes, params.get("auth_type") == "rerequest"
            )
        name = user.name if user is not None else "test-user"
        keep = {k: params.get(k, "") for k in ("client_id", "redirect_uri", "state", "scope")}
        keep["auth_type"] = params.get("auth_type", "")
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in keep.items()
        )
        boxes = "".join(
            f'<li><label><input type="checkbox" name="grant" value="{html.escape(s)}" checked> '
            f"{html.escape(s)}</label></li>"
            for s in scopes
        )
        body = (
            "<h1>Log in with Facebook (emulator)</h1>"
            f'<form method="post" action="{html.escape(action)}">{hidden}'
            '<p><label for="user">Test user</label> '
            f'<input id="user" name="user" value="{html.escape(name)}" autocomplete="username"></p>'
            f"<fieldset><legend>The app asks for</legend><ul>{boxes}</ul></fieldset>"
            '<button type="submit" name="action" value="continue">Continue</button> '
            '<button type="submit" name="action" value="cancel">Cancel</button></form>'
        )
        return page("Log in with Facebook", body)

    def _decide(self, params: dict[str, str], granted: set[str]) -> Response:
        redirect, state = params["redirect_uri"], params.get("state", "")
        if params.get("action") == "cancel":
            return RedirectResponse(
                _with_query(
                    redirect,
                    {
                        "error": "access_denied",
                        "error_code": "200",
                        "error_description": "Permissions error",
                        "error_reason": "user_denied",
                        "state": state,
                    },
                ),
                status_code=302,
            )
        rt = self.emu.runtime
        oauth = rt.creds.oauth
        user = oauth.user(params.get("user", ""))
        scopes = _scopes(params)
        asked = oauth.to_ask(user, scopes, params.get("auth_type") == "rerequest")
        oauth.decide(user, asked, granted)
        now = rt.clock.timestamp()
        code = oauth.issue_code(user, redirect, params["client_id"], now)
        answer = RedirectResponse(_with_query(redirect, {"code": code, "state": state}), 302)
        answer.set_cookie(USER_COOKIE, user.id, httponly=True, samesite="lax")
        return answer


async def send_callback(
    emu: Emulator,
    url: str,
    user_id: str,
    *,
    deauthorize: bool,
    tamper: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """POST a signed_request for ``user_id`` to ``url`` (a deauthorize one kills the grants)."""
    rt = emu.runtime
    if deauthorize:
        rt.creds.oauth.deauthorize(user_id)
        rt.creds.kill_user(user_id)
    signed = signed_request(rt.world.app_secret, callback_payload(user_id, rt.clock.timestamp()))
    if tamper:
        signature, _, payload = signed.partition(".")
        signed = f"{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}.{payload}"
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        answer = await client.post(url, data={"signed_request": signed})
    try:
        body: Any = answer.json()
    except ValueError:
        body = answer.text
    return {"status": answer.status_code, "body": body, "user_id": user_id}
