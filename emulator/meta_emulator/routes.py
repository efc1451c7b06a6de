"""Dispatching a Graph path to nodes, edges, insights and report runs."""

from __future__ import annotations

import time
from typing import Any

from meta_emulator.accounts import account_values, business, me, page_request
from meta_emulator.errors import ErrorReply, invalid, no_object
from meta_emulator.expansion import edge_params, split_fields
from meta_emulator.insights import Plan, eligible_ads, make_plan, rows, summary_row
from meta_emulator.nodes import (
    edge_filter,
    edge_objects,
    object_values,
    parse_fields,
    references,
    render,
)
from meta_emulator.paging import paginate
from meta_emulator.params import bool_param
from meta_emulator.query import parse_query
from meta_emulator.rand import unit
from meta_emulator.reports import ReportRun, describe, status
from meta_emulator.runtime import Runtime
from meta_emulator.world import AccountWorld

EDGES = {
    "account": ("campaigns", "adsets", "ads", "adcreatives", "insights"),
    "campaign": ("adsets", "ads", "insights"),
    "adset": ("ads", "insights"),
    "ad": ("insights",),
}


def resolve_account(rt: Runtime, parts: list[str]) -> str | None:
    if not parts:
        return None
    if parts[0] in rt.runs:
        return rt.runs[parts[0]].account_id
    hit = rt.world.find(parts[0])
    return hit[1].account.id if hit else None


def dispatch(
    rt: Runtime, method: str, parts: list[str], params: dict[str, str], base: str, now: float
) -> Any:
    head = parts[0]
    if method != "GET" and not (method == "POST" and parts[-1] == "insights" and len(parts) == 2):
        raise invalid(
            f"{method} is not supported by the emulator here (it serves reads and reports)"
        )
    if head == "me":
        return me(rt, parts, params, base, now)
    if head in rt.runs:
        return _run(rt, parts, params, base, now)
    if head in rt.world.businesses:
        return business(rt, parts, params, base, now)
    found = rt.world.find(head)
    if found is None:
        raise no_object(head)
    kind, aw = found
    if len(parts) == 1:
        return _node(rt, aw, kind, head, params, base, now)
    edge = parts[1]
    if len(parts) > 2 or edge not in EDGES.get(kind, ()):
        raise invalid(f"Unknown path components: /{'/'.join(parts[1:])}")
    if edge == "insights":
        return _insights(rt, aw, kind, head, method, params, base, now)
    return _edge(rt, aw, kind, head, edge, params, base, now)


def _node(
    rt: Runtime,
    aw: AccountWorld,
    kind: str,
    oid: str,
    params: dict[str, str],
    base: str,
    now: float,
) -> Any:
    edges = tuple(e for e in EDGES.get(kind, ()) if e != "insights")
    if kind == "account":
        sel = split_fields(params.get("fields"), ("id", "account_id", "name"), edges)
        body = render("account", account_values(rt, aw, sel.own, now), sel.own)
    else:
        pools: dict[str, dict[str, Any]] = {
            "campaign": aw.campaigns,
            "adset": aw.adsets,
            "ad": aw.ads,
            "creative": aw.creatives,
        }
        if pools[kind][oid].created > now:
            raise no_object(oid)
        refs = references(aw, kind, oid)
        sel = split_fields(params.get("fields"), ("id", "name"), edges, frozenset(refs))
        values = object_values(aw, kind, oid, now) | {k: {"id": v} for k, v in refs.items()}
        body = render(kind, values, sel.own)
        for item in sel.objects:  # the referenced node, as its own by-id read renders it
            target = refs[item.name]
            body[item.name] = _node(rt, aw, item.name, target, edge_params(item, params), base, now)
    for item in sel.edges:
        page = _edge(rt, aw, kind, oid, item.name, edge_params(item, params), base, now)
        if page["data"] or "next" in page["paging"]:
            body[item.name] = page  # Meta leaves an empty connection out
    return body


def _edge(
    rt: Runtime,
    aw: AccountWorld,
    kind: str,
    oid: str,
    edge: str,
    params: dict[str, str],
    base: str,
    now: float,
) -> Any:
    fields = parse_fields(params.get("fields"), ("id",))
    target = {"campaigns": "campaign", "adsets": "adset", "ads": "ad", "adcreatives": "creative"}[
        edge
    ]
    if edge == "adcreatives":
        objs: list[Any] = sorted(
            (c for c in aw.creatives.values() if c.created <= now), key=lambda c: c.id, reverse=True
        )
    else:
        objs = edge_filter(aw, edge_objects(aw, edge, kind, oid), params, now)
    keys = ("filtering", "effective_status", "fields")
    fingerprint = f"{oid}/{edge}/{[params.get(k, '') for k in keys]}"
    req = page_request(rt, base, f"/{oid}/{edge}", params, fingerprint, now)
    page = paginate(
        req,
        fingerprint,
        lambda start: (
            (i, render(target, object_values(aw, target, objs[i].id, now), fields))
            for i in range(start, len(objs))
        ),
    )
    return with_total(page, params, len(objs))


def with_total(page: dict[str, Any], params: dict[str, str], total: int) -> dict[str, Any]:
    """``summary=true`` on an edge adds ``{"total_count": N}`` (what the SDK's cursor asks)."""
    if bool_param(params, "summary"):
        page["summary"] = {"total_count": total}
    return page


def with_summary(page: dict[str, Any], plan: Plan) -> dict[str, Any]:
    summary = summary_row(plan)
    if summary is not None:
        page["summary"] = summary
    return page


def plan_for(
    rt: Runtime, aw: AccountWorld, kind: str, oid: str, params: dict[str, str], t: float
) -> Plan:
    local = rt.now_local(aw, t)
    query = parse_query(params, local.date(), kind if kind != "creative" else "ad")
    return make_plan(aw, query, eligible_ads(aw, kind, oid, query, t), rt.seed, local)


def _insights(
    rt: Runtime,
    aw: AccountWorld,
    kind: str,
    oid: str,
    method: str,
    params: dict[str, str],
    base: str,
    now: float,
) -> Any:
    plan = plan_for(rt, aw, kind, oid, params, now)
    if method == "POST":
        return {"report_run_id": _create_run(rt, aw, kind, oid, plan, params, now)}
    if plan.ad_days() > rt.config.max_sync_ad_days:
        raise ErrorReply(
            1,
            "Please reduce the amount of data you're asking for, then retry your request",
            transient=False,
        )
    if plan.estimated_rows() > rt.config.max_sync_rows:
        raise ErrorReply(
            100,
            "(#100) The request returns too many rows; request fewer or use an async job",
            subcode=1487534,
            user_title="Too many rows",
        )
    fingerprint = plan.query.fingerprint(oid)
    req = page_request(rt, base, f"/{oid}/insights", params, fingerprint, now)
    return with_summary(paginate(req, fingerprint, lambda start: rows(plan, start)), plan)


def _create_run(
    rt: Runtime,
    aw: AccountWorld,
    kind: str,
    oid: str,
    plan: Plan,
    params: dict[str, str],
    now: float,
) -> str:
    run_id = str(6_000_000_000_000_000 + (rt.seed % 1000) * 10**9 + rt.next_id())
    fate, fail_at = "completed", 100
    if rt.faults.roll(rt.faults.faults.report_failed):
        fate = "failed" if rt.faults.roll(0.8) else "skipped"
        fail_at = int(rt.faults.roll(0.5)) * 50 + 10
    rt.runs[run_id] = ReportRun(
        run_id,
        aw.account.id,
        kind,
        oid,
        plan.query,
        dict(params),
        now,
        time.monotonic(),
        fate,
        fail_at,
        races=unit(rt.seed, "race", run_id) < rt.config.report_race_rate,
    )
    return run_id


def _run(rt: Runtime, parts: list[str], params: dict[str, str], base: str, now: float) -> Any:
    run = rt.runs[parts[0]]
    aw = rt.world.accounts[run.account_id]
    if len(parts) == 1:
        run.polls += 1
        if run.races and run.polls <= rt.config.report_race_polls:
            raise no_object(run.id)
        return describe(run, now, rt.config.report_run_s, None)
    if parts[1] != "insights" or len(parts) > 2:
        raise invalid(f"Unknown path components: /{'/'.join(parts[1:])}")
    if status(run, now, rt.config.report_run_s)[0] != "Job Completed":
        raise invalid("The report is not ready; poll the report run until Job Completed")
    plan = make_plan(
        aw,
        run.query,
        eligible_ads(aw, run.scope_kind, run.scope_id, run.query, run.created),
        rt.seed,
        rt.now_local(aw, run.created),
    )
    fingerprint = run.id
    req = page_request(rt, base, f"/{run.id}/insights", params, fingerprint, now)
    return with_summary(paginate(req, fingerprint, lambda start: rows(plan, start)), plan)
