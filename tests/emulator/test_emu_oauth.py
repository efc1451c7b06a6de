"""Facebook Login in the emulator: the dialog, codes, the exchange, permissions, app callbacks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from meta_emulator import Emulator
from meta_emulator.auth import proof
from tests.support.emuhelpers import BASE

REDIRECT = "https://app.test/connect/meta/callback"


def _dialog_params(emu: Emulator, **extra: str) -> dict[str, str]:
    return {
        "client_id": emu.credentials["app_id"],
        "redirect_uri": REDIRECT,
        "state": "s-123",
        "scope": "ads_read,business_management",
        "response_type": "code",
        **extra,
    }


async def _login(
    client: httpx.AsyncClient, emu: Emulator, grant: list[str], user: str = "alice", **extra: str
) -> dict[str, list[str]]:
    params = _dialog_params(emu, **extra)
    form = {**params, "user": user, "action": "continue"}
    answer = await client.post(
        "/v25.0/dialog/oauth", data={**form, "grant": grant} if grant else form
    )
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


async def _exchange(
    client: httpx.AsyncClient, emu: Emulator, code: str, redirect: str = REDIRECT
) -> httpx.Response:
    creds = emu.credentials
    return await client.get(
        "/v25.0/oauth/access_token",
        params={
            "client_id": creds["app_id"],
            "client_secret": creds["app_secret"],
            "redirect_uri": redirect,
            "code": code,
        },
    )


def _auth(emu: Emulator, token: str) -> dict[str, str]:
    return {"access_token": token, "appsecret_proof": proof(emu.credentials["app_secret"], token)}


async def test_dialog_is_a_page_with_a_box_per_permission(graph: Any) -> None:
    emu, client = graph.emu, graph.client
    page = await client.get("/v25.0/dialog/oauth", params=_dialog_params(emu))
    assert page.status_code == 200
    assert 'value="ads_read" checked' in page.text
    assert 'value="business_management" checked' in page.text
    assert 'name="action" value="cancel"' in page.text
    bad = await client.get("/v25.0/dialog/oauth", params=_dialog_params(emu, client_id="999"))
    assert bad.status_code == 400 and "Invalid App ID" in bad.text


async def test_grant_exchange_debug_and_permissions(graph: Any) -> None:
    emu, client = graph.emu, graph.client
    query = await _login(client, emu, ["ads_read", "business_management"])
    assert query["state"] == ["s-123"]
    answer = await _exchange(client, emu, query["code"][0])
    assert answer.status_code == 200, answer.text
    short = answer.json()["access_token"]
    assert answer.json()["expires_in"] == 7200
    creds = emu.credentials
    long = await client.get(
        "/v25.0/oauth/access_token",
        params={"grant_type": "fb_exchange_token", "client_id": creds["app_id"],
                "client_secret": creds["app_secret"], "fb_exchange_token": short},
    )  # fmt: skip
    token = long.json()["access_token"]
    assert long.json()["expires_in"] > 50 * 86400
    app_token = f"{creds['app_id']}|{creds['app_secret']}"
    debug = await client.get(
        "/v25.0/debug_token", params={"input_token": token, "access_token": app_token}
    )
    data = debug.json()["data"]
    assert data["user_id"] == emu.test_user_id("alice") and data["is_valid"]
    assert sorted(data["scopes"]) == ["ads_read", "business_management"]
    assert data["data_access_expires_at"] > data["expires_at"] - 60 * 86400
    perms = await client.get("/v25.0/me/permissions", params=_auth(emu, token))
    assert perms.json()["data"] == [
        {"permission": "ads_read", "status": "granted"},
        {"permission": "business_management", "status": "granted"},
    ]
    me = await client.get("/v25.0/me", params=_auth(emu, token))
    assert me.json() == {"id": emu.test_user_id("alice"), "name": "alice"}


async def test_declined_is_not_asked_again_unless_rerequest(graph: Any) -> None:
    emu, client = graph.emu, graph.client
    query = await _login(client, emu, ["ads_read"])
    token = (await _exchange(client, emu, query["code"][0])).json()["access_token"]
    perms = (await client.get("/v25.0/me/permissions", params=_auth(emu, token))).json()["data"]
    assert {"permission": "business_management", "status": "declined"} in perms
    plain = await client.get("/v25.0/dialog/oauth", params=_dialog_params(emu))
    assert 'value="business_management"' not in plain.text
    again = await client.get(
        "/v25.0/dialog/oauth", params=_dialog_params(emu, auth_type="rerequest")
    )
    assert 'value="business_management" checked' in again.text
    query = await _login(client, emu, ["ads_read", "business_management"], auth_type="rerequest")
    token = (await _exchange(client, emu, query["code"][0])).json()["access_token"]
    perms = (await client.get("/v25.0/me/permissions", params=_auth(emu, token))).json()["data"]
    assert all(p["status"] == "granted" for p in perms) and len(perms) == 2


async def test_cancel_redirects_with_access_denied(graph: Any) -> None:
    emu, client = graph.emu, graph.client
    form = {**_dialog_params(emu), "user": "alice", "action": "cancel"}
    answer = await client.post("/v25.0/dialog/oauth", data=form)
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["error_reason"] == ["user_denied"]
    assert query["state"] == ["s-123"] and "error_description" in query and "code" not in query


async def test_codes_are_single_use_short_lived_and_bound_to_redirect_uri(graph: Any) -> None:
    emu, client = graph.emu, graph.client
    code = (await _login(client, emu, ["ads_read"]))["code"][0]
    other = await _exchange(client, emu, code, "https://evil.test/cb")
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "OAuthException"
    assert "redirect_uri" in other.json()["error"]["message"]
    assert (await _exchange(client, emu, code)).status_code == 200
    reused = await _exchange(client, emu, code)
    assert reused.status_code == 400 and "used" in reused.json()["error"]["message"]
    bogus = await _exchange(client, emu, "AQnot-a-code")
    assert bogus.json()["error"]["code"] == 100
    late = (await _login(client, emu, ["ads_read"]))["code"][0]
    emu.advance(601)
    expired = await _exchange(client, emu, late)
    assert expired.status_code == 400 and "expired" in expired.json()["error"]["message"]
    wrong_secret = await client.get(
        "/v25.0/oauth/access_token",
        params={"client_id": emu.credentials["app_id"], "client_secret": "x",
                "redirect_uri": REDIRECT, "code": code},
    )  # fmt: skip
    assert wrong_secret.json()["error"]["code"] == 101


def _receiver(seen: list[dict[str, str]]) -> httpx.ASGITransport:
    async def receive(request: Request) -> JSONResponse:
        seen.append(dict(parse_qsl((await request.body()).decode())))
        return JSONResponse({"url": "https://app.test/s/1", "confirmation_code": "c1"})

    return httpx.ASGITransport(app=Starlette(routes=[Route("/cb", receive, methods=["POST"])]))


def _verify(signed: str, secret: str) -> dict[str, Any]:
    sig, _, payload = signed.partition(".")
    expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)) == expected
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


async def test_deauthorize_kills_tokens_and_sends_a_signed_request(graph: Any) -> None:
    emu, client = graph.emu, graph.client
    code = (await _login(client, emu, ["ads_read"]))["code"][0]
    token = (await _exchange(client, emu, code)).json()["access_token"]
    seen: list[dict[str, str]] = []
    user = emu.test_user_id("alice")
    report = await emu.send_deauthorize("http://recv.test/cb", user, transport=_receiver(seen))
    assert report["status"] == 200
    payload = _verify(seen[0]["signed_request"], emu.credentials["app_secret"])
    assert payload["user_id"] == user and payload["algorithm"] == "HMAC-SHA256"
    dead = await client.get("/v25.0/me", params=_auth(emu, token))
    assert dead.json()["error"]["code"] == 190
    deletion = await emu.send_data_deletion("http://recv.test/cb", user, transport=_receiver(seen))
    assert deletion["body"] == {"url": "https://app.test/s/1", "confirmation_code": "c1"}
    tampered = await emu.send_data_deletion(
        "http://recv.test/cb", user, tamper=True, transport=_receiver(seen)
    )
    assert tampered["status"] == 200
    with pytest.raises(AssertionError):
        _verify(seen[-1]["signed_request"], emu.credentials["app_secret"])
    assert seen[-1]["signed_request"].split(".")[1] == seen[-2]["signed_request"].split(".")[1]


async def test_control_api_lists_users_and_refuses_missing_fields() -> None:
    emu = Emulator("small", seed=1)
    async with emu.client(base_url=BASE) as client:
        await _login(client, emu, ["ads_read"], user="bob")
        users = (await client.get("/__emulator/oauth/users")).json()["data"]
        assert users[0]["name"] == "bob" and users[0]["declined"] == ["business_management"]
        bad = await client.post("/__emulator/oauth/deauthorize", json={"user": "bob"})
        assert bad.status_code == 400
