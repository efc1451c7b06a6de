"""Sign in (operator token or Supabase access token) and sign out: the session cookie."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from metasync.console.auth import COOKIE, AuthError
from metasync.console.web import SECURITY_HEADERS, console_of, form_of, safe_next, same_origin


def _login_page(request: Request, error: str | None, target: str, status: int) -> HTMLResponse:
    console = console_of(request)
    html = console.templates.get_template("login.html").render(
        error=error,
        next=target,
        operator=console.settings.console_token is not None,
        supabase=bool(console.settings.supabase_jwt_secret or console.settings.supabase_jwks_url),
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


async def login_form(request: Request) -> Response:
    return _login_page(request, None, safe_next(request.query_params.get("next")), 200)


async def login(request: Request) -> Response:
    form = await form_of(request)
    target = safe_next(form.get("next"))
    if not same_origin(request):
        return _login_page(request, "sign-in from another site refused", target, 403)
    token = form.get("token", "").strip()
    if not token:
        return _login_page(request, "enter a token", target, 422)
    auth = console_of(request).auth
    try:
        viewer = await auth.from_token(token)
    except AuthError as exc:
        return _login_page(request, f"not signed in: {exc}", target, 401)
    value = auth.operator_session() if viewer.operator else auth.user_session(token)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(console_of(request).settings.console_session_hours * 3600),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def logout(request: Request) -> Response:
    form = await form_of(request)
    cookie = request.cookies.get(COOKIE)
    if cookie and not console_of(request).auth.csrf_ok(cookie, form.get("csrf")):
        return HTMLResponse("sign-out refused: the form is stale, reload the page", 403)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
    return response
