"""Request encoding: query/form values, appsecret_proof, scope hints from a path."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any

from metasync.graph.ratelimit import INSIGHTS_USE_CASE, MANAGEMENT_USE_CASE

COMMA_LIST_PARAMS = frozenset({"fields", "breakdowns", "action_breakdowns"})
_ACCOUNT_RE = re.compile(r"^/?(?:v\d+\.\d+/)?(act_\d+)")


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """Hex HMAC-SHA256 of the token keyed by the app secret."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Graph query/form values: field lists comma-joined, structures as compact JSON."""
    out: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[key] = str(value)
        elif key in COMMA_LIST_PARAMS and isinstance(value, list | tuple):
            out[key] = ",".join(str(v) for v in value)
        else:
            out[key] = json.dumps(value, separators=(",", ":"), default=str)
    return out


def account_of(path: str) -> str | None:
    match = _ACCOUNT_RE.match(path)
    return match.group(1) if match else None


def use_case_of(path: str) -> str:
    return INSIGHTS_USE_CASE if "insights" in path.split("?")[0] else MANAGEMENT_USE_CASE
