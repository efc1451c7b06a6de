"""Serving one Graph API call: version, token and proof checks, faults, quotas, dispatch."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from meta_emulator.errors import ErrorReply, invalid, no_object
from meta_emulator.expansion import expands
from meta_emulator.faults import FaultInjector
from meta_emulator.params import fields_text
from meta_emulator.routes import dispatch, resolve_account
from meta_emulator.runtime import Runtime

VERSION = re.compile(r"^v\d+\.\d+$")


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    base_url: str
    batch: bool = False


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def split(path: str, versions: tuple[str, ...]) -> tuple[str, list[str]]:
    parts = [p for p in path.split("?")[0].split("/") if p]
    if parts and VERSION.match(parts[0]):
        version = parts.pop(0)
        if version not in versions:
            raise ErrorReply(
                2635,
                f"(#2635) You are calling a deprecated version of the Ads API. "
                f"Please update to the latest version: {versions[-1]}.",
            )
        return version, parts
    return versions[-1], parts


def _number(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.lstrip("v").split("."))


def sends_account_usage(version: str, until: str | None) -> bool:
    """Whether answers of `version` carry X-Ad-Account-Usage (up to `until`, or always)."""
    return until is None or _number(version) <= _number(until)


def kind_of(method: str, parts: list[str], fields: str | None = None) -> str:
    """The call's kind in statistics; a node read expanding edges is ``node:expanded``."""
    if not parts:
        return "root"
    if parts[0] in ("oauth", "debug_token", "me"):
        return "/".join(parts)
    if len(parts) == 1:
        return "node:expanded" if expands(fields) else "node"
    if parts[1] == "insights":
        return "insights_async" if method == "POST" else "insights"
    return f"edge:{parts[1]}"


def serve(rt: Runtime, call: Call) -> Answer:
    """Answer one call (an HTTP request or one batch item) and record it."""
    now = rt.clock.timestamp()
    parts = [p for p in call.path.split("?")[0].split("/") if p]
    account: str | None = None
    kind = "unknown"
    version = rt.config.versions[-1]
    entry: dict[str, Any] = {
        "t": now,
        "method": call.method,
        "path": call.path.split("?")[0],
        "batch": call.batch,
    }
    try:
        if call.params.get("fields", "").strip().startswith("["):
            fields = fields_text(call.params["fields"]) or ""
            call = replace(call, params={**call.params, "fields": fields})
        version, parts = split(call.path, rt.config.versions)
        kind = kind_of(call.method, parts, call.params.get("fields"))
        account = resolve_account(rt, parts)
        body = _checked(rt, call, parts, kind, account, version, now)
        status, raw = 200, json.dumps(body, separators=(",", ":")).encode()
    except ErrorReply as err:
        entry["code"] = err.code
        status, raw = (
            err.status,
            json.dumps(err.envelope(rt.trace_id()), separators=(",", ":")).encode(),
        )
    except _Malformed as bad:
        entry["malformed"] = True
        status, raw = (429, b"") if bad.args == ("http_429",) else (200, rt.faults.malformed_body())
    entry.update({"kind": kind, "account": account, "status": status})
    rt.stats.record(entry)
    headers = rt.quotas.headers(account, use_case_of(rt, parts) == "ads_insights", now)
    if not sends_account_usage(version, rt.config.ad_account_usage_until):
        headers.pop("x-ad-account-usage", None)
    headers.update(
        {
            "content-type": "application/json; charset=UTF-8",
            "x-fb-trace-id": rt.trace_id(),
            "facebook-api-version": version,
        }
    )
    return Answer(status, raw, headers)


class _Malformed(Exception):
    """A body that is no Graph JSON: 200 "Service Unavailable" / truncated, or a bare 429."""


def _checked(
    rt: Runtime,
    call: Call,
    parts: list[str],
    kind: str,
    account: str | None,
    version: str,
    now: float,
) -> Any:
    if kind.startswith("oauth"):
        return rt.creds.exchange(call.params, now)
    token = rt.creds.check(
        call.params.get("access_token"),
        call.params.get("appsecret_proof"),
        rt.config.require_appsecret_proof,
        now,
    )
    use_case = use_case_of(rt, parts)
    _inject(rt.faults, rt, token.value, use_case if account else None)
    if kind == "debug_token":
        return rt.creds.debug(call.params.get("input_token", ""), now)
    rt.quotas.admit(account, use_case, now)
    if not parts:
        raise invalid("Unsupported request: nothing to get")
    return dispatch(rt, call.method, parts, call.params, f"{call.base_url}/{version}", now)


def use_case_of(rt: Runtime, parts: list[str]) -> str:
    """ads_insights for insights and report runs, ads_management for everything else."""
    insights = "insights" in parts or (bool(parts) and parts[0] in rt.runs)
    return "ads_insights" if insights else "ads_management"


def _inject(faults: FaultInjector, rt: Runtime, token: str, use_case: str | None) -> None:
    fault = faults.call_fault(use_case)
    if fault is None:
        return
    if fault == "token_death":
        rt.creds.kill(token)
        raise faults.dead_token()
    if fault in ("malformed", "http_429"):
        raise _Malformed(fault)
    assert isinstance(fault, ErrorReply)
    raise fault


__all__ = ["Answer", "Call", "no_object", "serve"]
