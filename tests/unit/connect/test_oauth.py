"""The pure parts of Connect with Meta: dialog URL, states, CSRF tokens, signed requests."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from meta_emulator.oauth import callback_payload, signed_request
from metasync.connect import oauth

SECRET = "app-secret-for-tests"


def test_dialog_url_has_what_meta_documents() -> None:
    url = oauth.dialog_url("https://www.facebook.com/", "v25.0", app_id="42",
                           redirect="https://x.test/connect/meta/callback", state="s",
                           scopes=("ads_read", "business_management"))  # fmt: skip
    parts = urlsplit(url)
    assert parts.netloc == "www.facebook.com" and parts.path == "/v25.0/dialog/oauth"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {"client_id": "42", "redirect_uri": "https://x.test/connect/meta/callback",
                     "state": "s", "scope": "ads_read,business_management",
                     "response_type": "code"}  # fmt: skip
    again = oauth.dialog_url("https://d.test", "v25.0", app_id="42", redirect="r", state="s",
                             scopes=("ads_read",), rerequest=True)  # fmt: skip
    assert "auth_type=rerequest" in again


def test_states_are_random_and_only_their_hash_is_kept() -> None:
    states = {oauth.new_secret() for _ in range(100)}
    assert len(states) == 100 and all(len(s) >= 43 for s in states)
    one = next(iter(states))
    assert len(oauth.digest(one)) == 32 and one.encode() not in oauth.digest(one)
    assert oauth.redirect_uri("https://app.test/") == "https://app.test/connect/meta/callback"


def test_csrf_token_is_bound_to_the_session_and_purpose() -> None:
    token = oauth.csrf_token("session-a", "pick:1")
    assert oauth.csrf_ok("session-a", "pick:1", token)
    assert not oauth.csrf_ok("session-b", "pick:1", token)
    assert not oauth.csrf_ok("session-a", "pick:2", token)
    assert not oauth.csrf_ok("session-a", "pick:1", "")


def test_signed_request_verifies_what_meta_signs() -> None:
    parsed = oauth.parse_signed_request(signed_request(SECRET, callback_payload("123", 9)), SECRET)
    assert parsed.user_id == "123" and parsed.issued_at == 9


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("signed", "message"),
    [
        (signed_request("other-secret", callback_payload("1", 1)), "signature"),
        (signed_request(SECRET, {"algorithm": "HMAC-SHA1", "user_id": "1"}), "HMAC-SHA256"),
        (signed_request(SECRET, {"algorithm": "HMAC-SHA256"}), "user_id"),
        (signed_request(SECRET, {"algorithm": "HMAC-SHA256", "user_id": "1 or 1=1"}), "user_id"),
        ("no-dot-here", "<signature>.<payload>"),
        (".payload", "<signature>.<payload>"),
        ("!!!.???", "base64url"),
    ],
)
def test_signed_request_refusals(signed: str, message: str) -> None:
    with pytest.raises(oauth.SignedRequestError, match=message.replace(".", r"\.")):
        oauth.parse_signed_request(signed, SECRET)


def test_a_tampered_payload_fails_even_with_its_old_signature() -> None:
    signature, _, payload = signed_request(SECRET, callback_payload("1", 1)).partition(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged = _b64(json.dumps(data | {"user_id": "2"}).encode())
    with pytest.raises(oauth.SignedRequestError, match="signature"):
        oauth.parse_signed_request(f"{signature}.{forged}", SECRET)


def test_confirmation_codes_fit_the_sql_check() -> None:
    code = oauth.confirmation_code()
    assert 16 <= len(code) <= 64 and all(c.isalnum() or c in "-_" for c in code)
