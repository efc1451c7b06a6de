"""Who sees what: sign-in, RLS-scoped reads, the same 404 for other tenants, CSRF, cookies."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.console.console_helpers import (
    ACCOUNTS_A,
    ACCOUNTS_B,
    ADMIN_A,
    ADMIN_B,
    MEMBER_A,
    OPERATOR_TOKEN,
    csrf_of,
    sign_in,
    user_jwt,
)

PAGES = [
    "/console",
    "/console/accounts/act_1001",
    "/console/analytics",
    "/console/jobs/1",
    "/console/jobs/1/badge",
]
ACTIONS = [
    "/console/accounts/act_1001/tier",
    "/console/accounts/act_1001/pause",
    "/console/accounts/act_1001/manual",
    "/console/jobs/1/cancel",
    "/console/scheduler",
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def listed(html: str) -> set[str]:
    return set(re.findall(r'<tr data-account="(act_\d+)"', html))


@pytest.mark.parametrize("path", PAGES)
async def test_pages_redirect_to_the_sign_in_page(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")


@pytest.mark.parametrize("path", ACTIONS)
async def test_actions_and_streams_answer_401(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.post(path, data={"tier": "high"})).status_code == 401
    assert (await client.get("/console/events")).status_code == 401


@pytest.mark.parametrize(
    "token",
    [
        "not-the-operator-token",
        user_jwt(ADMIN_A, secret="another-secret-another-secret-another-secret"),
        user_jwt(ADMIN_A, expires_in=-3600),
        user_jwt(ADMIN_A, role="anon"),
        user_jwt(ADMIN_A, aud="somebody-else"),
    ],
    ids=["wrong-operator-token", "wrong-secret", "expired", "anon-role", "wrong-audience"],
)
async def test_bad_credentials_are_nobody(client: httpx.AsyncClient, token: str) -> None:
    assert (await client.get("/console", headers=bearer(token))).status_code == 303
    assert (await client.post("/console/scheduler", headers=bearer(token))).status_code == 401
    login = await client.post("/console/login", data={"token": token})
    assert login.status_code == 401 and "metasync_console" not in login.headers.get(
        "set-cookie", ""
    )


async def test_the_operator_sees_every_organisation(client: httpx.AsyncClient) -> None:
    response = await client.get("/console", headers=bearer(OPERATOR_TOKEN))
    assert response.status_code == 200
    assert "5 accounts" in response.text
    assert listed(response.text) == set(ACCOUNTS_A + ACCOUNTS_B)  # page size 5


async def test_a_member_sees_only_the_organisation_s_accounts(client: httpx.AsyncClient) -> None:
    response = await client.get("/console", headers=bearer(user_jwt(MEMBER_A)))
    assert response.status_code == 200
    assert listed(response.text) == set(ACCOUNTS_A)
    assert "Brand B" not in response.text
    assert "The rate-limit state is shown to the operator." in response.text


async def test_other_tenants_pages_are_the_same_404_as_nonexistent_ones(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    headers = bearer(user_jwt(MEMBER_A))
    other, missing = await client.get("/console/accounts/act_2001", headers=headers), None
    missing = await client.get("/console/accounts/act_999999", headers=headers)
    assert other.status_code == missing.status_code == 404
    assert other.text == missing.text
    job_b, no_job = world["act_2001"], max(world.values()) + 1000
    for suffix in ("", "/badge"):
        seen = await client.get(f"/console/jobs/{job_b}{suffix}", headers=headers)
        unseen = await client.get(f"/console/jobs/{no_job}{suffix}", headers=headers)
        assert seen.status_code == unseen.status_code == 404 and seen.text == unseen.text
    stream_b = await client.get(f"/console/events?job={job_b}", headers=headers)
    stream_none = await client.get(f"/console/events?job={no_job}", headers=headers)
    assert stream_b.status_code == stream_none.status_code == 404
    assert stream_b.text == stream_none.text
    own = await client.get(f"/console/jobs/{world['act_1001']}", headers=headers)
    assert own.status_code == 200 and "Syncing your data" in own.text


async def test_actions_on_other_tenants_are_404_like_nonexistent_ones(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    headers = bearer(user_jwt(ADMIN_A)) | {"Accept": "application/json"}
    for path in (
        "/console/accounts/act_2001/tier",
        "/console/accounts/act_999999/tier",
        "/console/accounts/act_2001/pause",
        f"/console/jobs/{world['act_2001']}/cancel",
        f"/console/jobs/{max(world.values()) + 1000}/cancel",
    ):
        response = await client.post(path, data={"tier": "high"}, headers=headers)
        assert response.status_code == 404, path
        assert response.json()["error"] in ("no such account", "no such job")


async def test_cookie_sessions_are_httponly_samesite_and_csrf_protected(
    client: httpx.AsyncClient, database_url: str
) -> None:
    login = await client.post("/console/login", data={"token": user_jwt(ADMIN_A)})
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = await client.get("/console/accounts/act_1001")
    token = csrf_of(page.text)
    forged = await client.post("/console/accounts/act_1001/tier", data={"tier": "high"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    other_site = await client.post(
        "/console/accounts/act_1001/tier",
        data={"tier": "high", "csrf": token},
        headers={"Origin": "https://evil.example"},
    )
    assert other_site.status_code == 403
    done = await client.post(
        "/console/accounts/act_1001/tier", data={"tier": "high", "csrf": token}
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith("/console/accounts/act_1001?notice=")


async def test_secure_cookie_behind_https(app: object, world: dict[str, int]) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://console.test") as c:
        login = await c.post("/console/login", data={"token": OPERATOR_TOKEN})
    assert "secure" in login.headers["set-cookie"].lower()


async def test_sign_in_goes_back_only_to_console_paths(client: httpx.AsyncClient) -> None:
    for target, expected in (
        ("/console/analytics", "/console/analytics"),
        ("https://evil.example/", "/console"),
        ("//evil.example", "/console"),
    ):
        response = await client.post(
            "/console/login", data={"token": OPERATOR_TOKEN, "next": target}
        )
        assert response.headers["location"] == expected


async def test_sign_out_ends_the_session(client: httpx.AsyncClient) -> None:
    csrf = await sign_in(client, OPERATOR_TOKEN)
    out = await client.post("/console/logout", data={"csrf": csrf})
    assert out.status_code == 303
    client.cookies.clear()
    assert (await client.get("/console")).status_code == 303


async def test_owner_of_b_sees_b_only(client: httpx.AsyncClient) -> None:
    response = await client.get("/console", headers=bearer(user_jwt(ADMIN_B)))
    assert listed(response.text) == set(ACCOUNTS_B)


async def test_job_ids_beyond_bigint_are_404_not_errors(client: httpx.AsyncClient) -> None:
    huge = "9" * 25
    headers = bearer(OPERATOR_TOKEN)
    assert (await client.get(f"/console/jobs/{huge}", headers=headers)).status_code == 404
    assert (await client.post(f"/console/jobs/{huge}/cancel", headers=headers)).status_code == 404
    assert (await client.get(f"/console/events?job={huge}", headers=headers)).status_code == 404


async def test_only_the_badge_may_be_framed_by_other_sites(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    headers = bearer(OPERATOR_TOKEN)
    job = world["act_1001"]
    for path in ("/console", f"/console/jobs/{job}", "/console/login"):
        policy = (await client.get(path, headers=headers)).headers["content-security-policy"]
        assert "frame-ancestors 'self'" in policy, path
    badge = await client.get(f"/console/jobs/{job}/badge", headers=headers)
    assert "frame-ancestors *" in badge.headers["content-security-policy"]
