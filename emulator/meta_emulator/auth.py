"""Tokens and app secrets: the world's credentials, token exchange, debug_token, appsecret_proof."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field, replace
from typing import Any

from meta_emulator.errors import ErrorReply, invalid, token_error

SCOPES = ["ads_read", "ads_management", "business_management", "read_insights"]
LONG_LIVED_S = 5_183_944


def proof(secret: str, token: str) -> str:
    """appsecret_proof: hex HMAC-SHA256 of the token keyed with the app secret."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Token:
    value: str
    kind: str  # SYSTEM_USER | USER | APP
    issued: float
    expires: float  # 0 = never
    dead: bool = False

    def valid(self, now: float) -> bool:
        return not self.dead and (self.expires == 0 or now < self.expires)


@dataclass
class Credentials:
    app_id: str
    app_secret: str
    user_id: str
    tokens: dict[str, Token] = field(default_factory=dict)

    @property
    def system_token(self) -> str:
        return next(t.value for t in self.tokens.values() if t.kind == "SYSTEM_USER")

    def listing(self, account_ids: list[str]) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "app_secret": self.app_secret,
            "access_token": self.system_token,
            "tokens": [
                {
                    "access_token": t.value,
                    "type": t.kind,
                    "expires_at": int(t.expires),
                    "valid": not t.dead,
                }
                for t in self.tokens.values()
            ],
            "account_ids": account_ids,
        }

    def check(self, token: str | None, sent_proof: str | None, require: bool, now: float) -> Token:
        """The token of a call, after the token and appsecret_proof checks Meta makes."""
        if not token:
            raise ErrorReply(104, "An access token is required to request this resource.")
        if token == f"{self.app_id}|{self.app_secret}":
            return Token(token, "APP", 0, 0)
        found = self.tokens.get(token)
        if found is None:
            raise token_error(None, "Invalid OAuth access token - Cannot parse access token")
        if not found.valid(now):
            raise token_error(463 if not found.dead else 460, _death_message(found))
        if sent_proof is not None and not hmac.compare_digest(
            sent_proof, proof(self.app_secret, token)
        ):
            raise invalid("Invalid appsecret_proof provided in the API argument")
        if sent_proof is None and require:
            raise invalid("API calls from the server require an appsecret_proof argument")
        return found

    def kill(self, token: str) -> None:
        if token in self.tokens:
            self.tokens[token] = replace(self.tokens[token], dead=True)

    def exchange(self, params: dict[str, str], now: float) -> dict[str, Any]:
        if params.get("grant_type") != "fb_exchange_token":
            raise invalid("Unsupported grant_type")
        if params.get("client_id") != self.app_id or params.get("client_secret") != self.app_secret:
            raise ErrorReply(101, "Error validating application. Invalid application ID or secret.")
        short = self.tokens.get(params.get("fb_exchange_token", ""))
        if short is None or not short.valid(now):
            raise token_error(
                463, "Error validating access token: the token to exchange is invalid or expired"
            )
        value = "EAAL" + hashlib.sha256(f"{short.value}:{now}".encode()).hexdigest()[:60]
        self.tokens[value] = Token(value, "USER", now, now + LONG_LIVED_S)
        return {"access_token": value, "token_type": "bearer", "expires_in": LONG_LIVED_S}

    def debug(self, input_token: str, now: float) -> dict[str, Any]:
        found = self.tokens.get(input_token)
        if found is None:
            return {
                "data": {
                    "error": {"code": 190, "message": "Invalid OAuth access token."},
                    "is_valid": False,
                }
            }
        data: dict[str, Any] = {
            "app_id": self.app_id,
            "type": "SYSTEM_USER" if found.kind == "SYSTEM_USER" else "USER",
            "application": "meta-sync emulator",
            "expires_at": int(found.expires),
            "data_access_expires_at": int(found.issued + 90 * 86400) if found.expires else 0,
            "is_valid": found.valid(now),
            "issued_at": int(found.issued),
            "scopes": SCOPES,
            "user_id": self.user_id,
        }
        return {"data": data}


def _death_message(token: Token) -> str:
    if token.dead:
        return (
            "Error validating access token: The session has been invalidated because the user "
            "changed their password."
        )
    return "Error validating access token: Session has expired."


def make_credentials(
    seed: int, app_id: str, secret: str, issued: float, fixed: str | None
) -> Credentials:
    """The world's app, its system-user token (never expires) and a short-lived user token."""
    digest = hashlib.sha256(f"token:{seed}".encode()).hexdigest()
    system = fixed or f"EAAB{digest[:60]}"
    short = f"EAAS{digest[4:64]}"
    creds = Credentials(app_id, secret, f"7{seed % 10**6:06d}{1:08d}")
    creds.tokens[system] = Token(system, "SYSTEM_USER", issued, 0)
    creds.tokens[short] = Token(short, "USER", issued, issued + 2 * 3600)
    return creds
