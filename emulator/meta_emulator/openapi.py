"""The control API (``/__emulator/...``) described as OpenAPI 3.1, served at
``/__emulator/openapi.json``. The Graph API itself is Meta's and is not described here."""

from __future__ import annotations

from typing import Any

OBJ: dict[str, Any] = {"type": "object"}
ERROR = {
    "description": "bad input",
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"error": {"type": "string"}}}
        }
    },
}


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema or OBJ}}}


def _query(name: str, description: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def _body(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": bool(required), "content": {"application/json": {"schema": schema}}}


def _op(summary: str, answer: str, **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {"200": _json(answer), "400": ERROR}, **extra}


NUMBER = {"type": "number"}
CLOCK = {"now": {"type": "string", "format": "date-time"}}
FAULT_RATES = {
    name: {"type": "number", "minimum": 0, "maximum": 1}
    for name in (
        "transient", "throttle", "token_death", "batch_null", "report_failed", "malformed",
        "http_429", "short_page", "empty_page",
    )
} | {"latency_ms": {"type": "number"}, "jitter_ms": {"type": "number"}}  # fmt: skip
TRUTH_PARAMS = [
    _query("account_id", "act_<digits>", True),
    _query("since", "YYYY-MM-DD (account time zone)", True),
    _query("until", "YYYY-MM-DD (account time zone)", True),
    _query("breakdowns", "comma list, a combination Meta allows (age,gender / country / ...)"),
    _query("action_breakdowns", "comma list (action_type,action_device / ...)"),
]


def spec(version: str) -> dict[str, Any]:
    """The OpenAPI document of the control API."""
    p = "/__emulator"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "meta-emulator control API",
            "version": version,
            "description": "Clock, ground truth, credentials, statistics, faults, reset and "
            "webhook deliveries of a running emulator. No token; never counted as Graph "
            "calls; never faulted.",
        },
        "paths": {
            f"{p}/health": {"get": _op("Liveness, world and seed", "{ok, world, seed}")},
            f"{p}/openapi.json": {"get": _op("This document", "OpenAPI 3.1")},
            f"{p}/clock": {
                "get": _op("The emulator clock", "{now, ticking, anchor}"),
                "put": _op(
                    "Set the clock", "{now, ticking, anchor}", requestBody=_body(CLOCK, ["now"])
                ),
            },
            f"{p}/clock/advance": {
                "post": _op(
                    "Move the clock forward",
                    "{now, ticking, anchor}",
                    requestBody=_body(
                        {u: {"type": "number"} for u in ("days", "hours", "seconds")}
                    ),
                )
            },
            f"{p}/credentials": {
                "get": _op("App id and secret, tokens, ad account ids", "credentials")
            },
            f"{p}/truth/entities": {
                "get": _op(
                    "Every object of an account as of the clock (archived and deleted too)",
                    "{campaigns, adsets, ads, adcreatives}",
                    parameters=[_query("account_id", "act_<digits>", True)],
                )
            },
            f"{p}/truth/insights": {
                "get": _op(
                    "Ad-level daily rows as the Graph API prints them, optionally split",
                    "{data, ad_status, clock}",
                    parameters=TRUTH_PARAMS,
                )
            },
            f"{p}/stats": {"get": _op("Call counters by kind and account", "statistics")},
            f"{p}/calls": {
                "get": _op(
                    "The latest calls", "{data}", parameters=[_query("limit", "default 100")]
                )
            },
            f"{p}/faults": {
                "get": _op("Fault rates and latency", "rates"),
                "put": _op("Change fault rates", "rates", requestBody=_body(FAULT_RATES)),
            },
            f"{p}/reset": {"post": _op("Clock, stats, faults, runs, tokens to the start", "{ok}")},
            f"{p}/webhooks/deliver": {
                "post": _op(
                    "Deliver one signed ad_account event (retries, maybe a duplicate)",
                    "delivery report and payload",
                    requestBody=_body(
                        {
                            "url": {"type": "string"},
                            "account_id": {"type": "string"},
                            "field": {"type": "string"},
                            "count": {"type": "integer"},
                        },
                        ["url"],
                    ),
                )
            },
            f"{p}/webhooks/verify": {
                "post": _op(
                    "Run the hub.challenge subscription handshake against a URL",
                    "{verified, ...}",
                    requestBody=_body(
                        {"url": {"type": "string"}, "verify_token": {"type": "string"}},
                        ["url", "verify_token"],
                    ),
                )
            },
        },
    }
